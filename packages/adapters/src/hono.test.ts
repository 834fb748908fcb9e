// Tests for fromHono: a Hono app written the Hono way behaves under the gateway as it does under
// its own server. In-process through the validator, then over a real socket.
import { getConnInfo } from '@hono/node-server/conninfo';
import { serve } from '@gateway-interop/gateway';
import type { HeaderList } from '@gateway-interop/gateway';
import { callApp, makeEnviron } from '@gateway-interop/gateway/testing';
import { validator } from '@gateway-interop/gateway/validate';
import { Hono } from 'hono';
import { setCookie } from 'hono/cookie';
import { streamText } from 'hono/streaming';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { fromHono } from './hono.ts';

function valuesOf(headers: HeaderList, name: string): string[] {
  return headers.filter(([n]) => n.toLowerCase() === name).map(([, v]) => v);
}

/** Resolves when `signal` aborts. */
function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

const streamAborted: { value: boolean; request: boolean; signal?: AbortSignal } = { value: false, request: false };
const streamStarted: { resolve?: () => void } = {};

const honoApp = new Hono();
honoApp.get('/hello', (c) => c.text('Hello world from Hono!'));
honoApp.get('/cookies', (c) => {
  setCookie(c, 'a', '1', { path: '/' });
  setCookie(c, 'b', '2', { path: '/', httpOnly: true });
  return c.text('two cookies');
});
honoApp.get('/redirect', (c) => c.redirect('/hello'));
honoApp.get('/error', () => {
  throw new Error('boom');
});
honoApp.post('/json', async (c) => c.json({ received: await c.req.json() }));
honoApp.get('/conn', (c) => c.json(getConnInfo(c).remote));
honoApp.get('/stream', (c) =>
  streamText(c, async (stream) => {
    streamAborted.signal = c.req.raw.signal;
    stream.onAbort(() => {
      streamAborted.value = true;
      streamAborted.request = c.req.raw.signal.aborted;
    });
    for (let i = 0; !stream.aborted; i++) {
      await stream.write(`chunk ${i}\n`);
      streamStarted.resolve?.();
      await stream.sleep(10);
    }
  }),
);

const app = validator(fromHono(honoApp));

afterEach(() => {
  vi.restoreAllMocks();
});

describe('fromHono in-process', () => {
  test('text with Hono’s content type and a length', async () => {
    const result = await callApp(app, { PATH_INFO: '/hello' });
    expect(result.status).toBe('200 OK');
    expect(result.text).toBe('Hello world from Hono!');
    // undici's default for a string body; @hono/node-server writes 'text/plain; charset=UTF-8'.
    expect(valuesOf(result.headers, 'content-type')).toEqual(['text/plain;charset=UTF-8']);
    expect(valuesOf(result.headers, 'content-length')).toEqual(['22']);
  });

  test('two cookies stay two', async () => {
    const result = await callApp(app, { PATH_INFO: '/cookies' });
    expect(valuesOf(result.headers, 'set-cookie')).toEqual(['a=1; Path=/', 'b=2; Path=/; HttpOnly']);
    expect(result.text).toBe('two cookies');
  });

  test('redirect is a 302 to the path given', async () => {
    const result = await callApp(app, { PATH_INFO: '/redirect' });
    expect(result.status).toBe('302 Found');
    expect(valuesOf(result.headers, 'location')).toEqual(['/hello']);
  });

  test('a thrown error gets Hono’s own 500 page', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const result = await callApp(app, { PATH_INFO: '/error' });
    expect(result.status).toBe('500 Internal Server Error');
    expect(result.text).toBe('Internal Server Error');
    expect(logged).toHaveBeenCalled();
  });

  test('unknown paths get Hono’s 404', async () => {
    const result = await callApp(app, { PATH_INFO: '/nope' });
    expect(result.status).toBe('404 Not Found');
    expect(result.text).toBe('404 Not Found');
  });

  test('HEAD answers with the GET route’s headers and no body', async () => {
    const result = await callApp(app, { REQUEST_METHOD: 'HEAD', PATH_INFO: '/hello' });
    expect(result.status).toBe('200 OK');
    expect(valuesOf(result.headers, 'content-type')).toEqual(['text/plain;charset=UTF-8']);
    expect(result.body.length).toBe(0);
  });

  test('c.req.json() reads the streamed body', async () => {
    const result = await callApp(
      app,
      { REQUEST_METHOD: 'POST', PATH_INFO: '/json' },
      { body: '{"x":[1,"two"]}', headers: { 'Content-Type': 'application/json' } },
    );
    expect(JSON.parse(result.text)).toEqual({ received: { x: [1, 'two'] } });
  });

  test('getConnInfo from @hono/node-server/conninfo sees the peer address', async () => {
    const result = await callApp(app, { PATH_INFO: '/conn', REMOTE_ADDR: '::1', REMOTE_PORT: '50123' });
    expect(JSON.parse(result.text)).toEqual({ address: '::1', port: 50123, addressType: 'IPv6' });
  });

  test('c.env.environ is the environ', async () => {
    const inspect = new Hono<{ Bindings: { environ: { SCRIPT_NAME: string } } }>();
    inspect.get('/where', (c) => c.text(`mounted at ${c.env.environ.SCRIPT_NAME}`));
    const result = await callApp(fromHono(inspect), {
      SCRIPT_NAME: '/hono',
      PATH_INFO: '/where',
      REQUEST_URI: '/hono/where',
    });
    expect(result.text).toBe('mounted at /hono');
  });

  test('client gone: request.signal aborts and the stream’s onAbort runs', async () => {
    streamAborted.value = false;
    const started = new Promise<void>((resolve) => (streamStarted.resolve = resolve));
    const client = new AbortController();
    const environ = makeEnviron({ PATH_INFO: '/stream' }, { signal: client.signal });
    const body = await fromHono(honoApp)(environ, () => async () => {});
    const iterator = (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
    expect((await iterator.next()).value?.length).toBe(0); // the flush that sends the head (SPEC 3.7)
    const first = await iterator.next();
    expect(new TextDecoder().decode(first.value)).toBe('chunk 0\n');
    await started;
    client.abort();
    await iterator.return?.();
    await vi.waitFor(() => expect(streamAborted.value).toBe(true));
    expect(streamAborted.request).toBe(true);
  });
});

describe('fromHono with middleware and the raw request', () => {
  test('a header set after await next() is sent', async () => {
    const app2 = new Hono();
    app2.use(async (c, next) => {
      await next();
      c.res.headers.set('x-after', 'yes');
      c.header('x-via-header', 'too');
    });
    app2.get('/', (c) => c.text('with middleware'));
    const result = await callApp(validator(fromHono(app2)));
    expect(result.text).toBe('with middleware');
    expect(valuesOf(result.headers, 'x-after')).toEqual(['yes']);
    expect(valuesOf(result.headers, 'x-via-header')).toEqual(['too']);
    expect(valuesOf(result.headers, 'content-length')).toEqual(['15']);
  });

  test('an async handler that answers after an await', async () => {
    const app2 = new Hono();
    app2.get('/', async (c) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return c.json({ late: true }, 201);
    });
    const result = await callApp(validator(fromHono(app2)));
    expect(result.status).toBe('201 Created');
    expect(JSON.parse(result.text)).toEqual({ late: true });
    expect(valuesOf(result.headers, 'content-length')).toEqual([String(result.body.length)]);
  });

  test('bodyLimit builds a new Request from the raw one', async () => {
    const { bodyLimit } = await import('hono/body-limit');
    const app2 = new Hono();
    app2.post('/', bodyLimit({ maxSize: 100 }), async (c) => c.text(await c.req.text()));
    const result = await callApp(validator(fromHono(app2)), { REQUEST_METHOD: 'POST' }, { body: 'small enough' });
    expect(result.text).toBe('small enough');
    const big = await callApp(validator(fromHono(app2)), { REQUEST_METHOD: 'POST' }, { body: 'x'.repeat(101) });
    expect(big.statusCode).toBe(413);
  });

  test('c.req.raw.clone() and parseBody()', async () => {
    const app2 = new Hono();
    app2.post('/', async (c) => {
      const copy = await c.req.raw.clone().text();
      const form = await c.req.parseBody();
      return c.json({ copy, form });
    });
    const result = await callApp(
      validator(fromHono(app2)),
      { REQUEST_METHOD: 'POST' },
      { body: 'a=1&b=2', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } },
    );
    expect(JSON.parse(result.text)).toEqual({ copy: 'a=1&b=2', form: { a: '1', b: '2' } });
  });

  test('c.body() with bytes', async () => {
    const app2 = new Hono();
    app2.get('/', (c) => c.body(new Uint8Array([1, 2, 3]), 200, { 'Content-Type': 'application/octet-stream' }));
    const result = await callApp(validator(fromHono(app2)));
    expect([...result.body]).toEqual([1, 2, 3]);
    expect(valuesOf(result.headers, 'content-length')).toEqual(['3']);
  });
});

describe('fromHono over a socket', () => {
  test('the same answers through the gateway server', async () => {
    const server = await serve(app, { host: '127.0.0.1', port: 0 });
    try {
      const hello = await fetch(`${server.url}/hello`);
      expect(await hello.text()).toBe('Hello world from Hono!');

      const cookies = await fetch(`${server.url}/cookies`);
      expect(cookies.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2; Path=/; HttpOnly']);
      await cookies.body?.cancel();

      const redirect = await fetch(`${server.url}/redirect`, { redirect: 'manual' });
      expect(redirect.status).toBe(302);
      expect(redirect.headers.get('location')).toBe('/hello');

      const conn = await fetch(`${server.url}/conn`);
      expect(await conn.json()).toMatchObject({ address: '127.0.0.1', addressType: 'IPv4' });

      // Streaming: read two chunks as they come, then hang up; the app must notice.
      streamAborted.value = false;
      const client = new AbortController();
      const stream = await fetch(`${server.url}/stream`, { signal: client.signal });
      expect(stream.headers.get('transfer-encoding')).toBe('chunked');
      const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
      const first = await reader.read();
      expect(new TextDecoder().decode(first.value)).toBe('chunk 0\n');
      client.abort();
      await reader.cancel().catch(() => {});
      await vi.waitFor(() => expect(streamAborted.value).toBe(true));
      await vi.waitFor(() => expect(streamAborted.signal?.aborted).toBe(true));
    } finally {
      await server.close();
    }
  });

  test('an abort reaches request.signal before the response starts', async () => {
    const waiting = new Hono();
    const seen: { signal?: AbortSignal } = {};
    waiting.get('/wait', async (c) => {
      seen.signal = c.req.raw.signal;
      await aborted(c.req.raw.signal);
      return c.text('too late');
    });
    const server = await serve(validator(fromHono(waiting)), { host: '127.0.0.1', port: 0 });
    try {
      const client = new AbortController();
      const pending = fetch(`${server.url}/wait`, { signal: client.signal }).catch(() => 'aborted');
      await vi.waitFor(() => expect(seen.signal).toBeDefined());
      client.abort();
      expect(await pending).toBe('aborted');
      await vi.waitFor(() => expect(seen.signal?.aborted).toBe(true));
    } finally {
      await server.close();
    }
  });
});
