// Hono through the fetch bridge: the shared framework suite (test/framework-suite.ts) over the
// routes below, written the Hono way, with @hono/node-server as Hono's own server; then what only
// a fetch framework has: c.env, request.signal, middleware that rebuilds the Request.
import { serve as serveNode } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { getConnInfo } from '@hono/node-server/conninfo';
import { serve } from '@gateway-interop/gateway';
import type { HeaderList } from '@gateway-interop/gateway';
import { callApp, makeEnviron } from '@gateway-interop/gateway/testing';
import { validator } from '@gateway-interop/gateway/validate';
import { Hono } from 'hono';
import { setCookie } from 'hono/cookie';
import { stream as streamBytes, streamText } from 'hono/streaming';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { BINARY, GONE, addFrameworkTests } from '../test/framework-suite.ts';
import { fromHono } from './hono.ts';

function valuesOf(headers: HeaderList, name: string): string[] {
  return headers.filter(([n]) => n.toLowerCase() === name).map(([, v]) => v);
}

/** Resolves when `signal` aborts. */
function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

function buildApp(): Hono {
  const app = new Hono();
  app.get('/hello', (c) => c.text('Hello world from Hono!'));
  app.get('/teapot', (c) => c.text('short and stout', 418));
  app.get('/cookies', (c) => {
    c.header('X-Multi', 'a', { append: true });
    c.header('X-Multi', 'b', { append: true });
    setCookie(c, 'a', '1', { path: '/' });
    setCookie(c, 'b', '2', { path: '/', httpOnly: true });
    return c.text('two cookies');
  });
  app.get('/redirect', (c) => c.redirect('/hello'));
  app.get('/stream', (c) =>
    streamText(c, async (stream) => {
      for (let i = 0; i < Number(c.req.query('n') ?? 3); i++) {
        await stream.write(`chunk ${i}\n`);
        await stream.sleep(Number(c.req.query('ms') ?? 50));
      }
    }),
  );
  app.get('/binary', (c) => c.body(BINARY, 200, { 'Content-Type': 'application/octet-stream' }));
  app.post('/echo', (c) => {
    const type = { 'Content-Type': c.req.header('content-type') ?? 'application/octet-stream' };
    return c.req.raw.body === null ? c.body(null, 200, type) : c.body(c.req.raw.body, 200, type);
  });
  app.post('/json', async (c) => c.json({ received: await c.req.json() }));
  app.get('/error', () => {
    throw new Error('boom');
  });
  app.all('/inspect', (c) => {
    const url = new URL(c.req.url);
    return c.json({
      method: c.req.method,
      path: c.req.path,
      query: c.req.query(),
      ip: getConnInfo(c).remote.address,
      protocol: url.protocol.slice(0, -1),
      hostname: url.hostname,
      cookie: c.req.header('cookie'),
      multi: c.req.header('x-multi'),
    });
  });
  app.get('/slow', (c) => {
    GONE.start();
    c.req.raw.signal.addEventListener('abort', () => GONE.events.push('signal aborted'));
    return streamBytes(c, async (stream) => {
      stream.onAbort(() => {
        GONE.events.push('stream aborted');
        GONE.finish();
      });
      await stream.write('first');
      while (!stream.aborted) {
        await stream.sleep(20);
        await stream.write('more');
      }
    });
  });
  // Not a shared route: streams until the client leaves, for the tests of request.signal below.
  app.get('/forever', (c) =>
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
  app.get('/conn', (c) => c.json(getConnInfo(c).remote));
  return app;
}

addFrameworkTests<Hono>({
  name: 'Hono',
  bridge: 'fromHono',
  build: buildApp,
  toApp: (app) => fromHono(app),
  async listen(app) {
    const server = await new Promise<ReturnType<typeof serveNode>>((resolve) => {
      const listening = serveNode({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(listening));
    });
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  },
  fieldNames: 'lower-case',
  // undici's default for a string body; @hono/node-server writes 'text/plain; charset=UTF-8'.
  helloType: 'text/plain;charset=UTF-8',
  repeatedFields: 'joined',
  headLength: 'dropped',
  redirectText: '',
  errorPage: { text: 'Internal Server Error' },
  logsErrors: true,
  inspectLocation: { path: '/inspect' },
  mountedLocation: { path: '/inspect' },
  goneEvents: ['signal aborted', 'stream aborted'],
  nativeNormalise: {
    why:
      "@hono/node-server writes a string body's fields itself, spelled its own way (`Content-Type: text/plain; charset=UTF-8`); the bridge reads undici's Response (`content-type: text/plain;charset=UTF-8`). And a fetch Headers keeps no order between names, so each server lists them its own way; sorting by name (stably) still compares the order of repeats. And a null body (a redirect) goes out as `Content-Length: 0` from the gateway but chunked from @hono/node-server: framing is the server's (SPEC 6.1). None of it is the app's choice.",
    normalise: (response) => ({
      ...response,
      headers: response.headers
        .map(([name, value]): [string, string] => [name.toLowerCase(), value.replace(/^text\/plain; charset=UTF-8$/, 'text/plain;charset=UTF-8')])
        .filter(([name, value]) => !(name === 'content-length' && value === '0' && response.body.length === 0))
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    }),
  },
});

const streamAborted: { value: boolean; request: boolean; signal?: AbortSignal } = { value: false, request: false };
const streamStarted: { resolve?: () => void } = {};
const honoApp = buildApp();
const app = validator(fromHono(honoApp));

afterEach(() => {
  vi.restoreAllMocks();
});

describe('fromHono in-process, beyond the shared suite', () => {
  test('unknown paths get Hono’s 404', async () => {
    const result = await callApp(app, { PATH_INFO: '/nope' });
    expect(result.status).toBe('404 Not Found');
    expect(result.text).toBe('404 Not Found');
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
    const environ = makeEnviron({ PATH_INFO: '/forever' }, { signal: client.signal });
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
      const stream = await fetch(`${server.url}/forever`, { signal: client.signal });
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
