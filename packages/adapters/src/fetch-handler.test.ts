// Tests for the fetch bridge through fromFetchHandler: in-process with callApp (through the
// validator, so every answer is checked against SPEC.md), then over a real socket.
import { createHash, randomBytes } from 'node:crypto';
import { resolveEngine, serve } from '@gateway-interop/gateway';
import type { App, Body, Chunk, Environ, HeaderList } from '@gateway-interop/gateway';
import { callApp, makeEnviron } from '@gateway-interop/gateway/testing';
import type { CallOptions } from '@gateway-interop/gateway/testing';
import { validator } from '@gateway-interop/gateway/validate';
import { describe, expect, test } from 'vitest';
import { fromFetchHandler } from './fetch-handler.ts';
import type { FetchHandler } from './fetch-handler.ts';

const encoder = new TextEncoder();

function app(handler: FetchHandler): App {
  return validator(fromFetchHandler(handler));
}

function valuesOf(headers: HeaderList, name: string): string[] {
  return headers.filter(([n]) => n.toLowerCase() === name).map(([, v]) => v);
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A promise with its resolve function, to hold a producer until the test has seen something. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open = (): void => {};
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

/** Calls `gatewayApp` and hands back its head and body iterator, for step-by-step tests. */
async function begin(
  gatewayApp: App,
  overrides: Partial<Environ> = {},
  options: CallOptions = {},
): Promise<{ status: string; headers: HeaderList; iterator: AsyncIterator<Chunk>; flushed: boolean }> {
  const environ = makeEnviron(overrides, options);
  let head: { status: string; headers: HeaderList } | undefined;
  const body: Body = await gatewayApp(environ, (status, headers) => {
    head = { status, headers };
    return async () => {};
  });
  if (head === undefined) throw new Error('startResponse was not called');
  const inner = (body as AsyncIterable<Chunk>)[Symbol.asyncIterator]();
  // A streamed body starts with an empty chunk, the flush that sends the head (SPEC 3.7).
  const first = await inner.next();
  const flushed = first.done !== true && first.value.length === 0;
  let pending: IteratorResult<Chunk> | undefined = flushed ? undefined : first;
  const iterator: AsyncIterator<Chunk> = {
    next: async () => {
      const step = pending ?? (await inner.next());
      pending = undefined;
      return step;
    },
    return: async (value?: unknown) => (await inner.return?.(value)) ?? { done: true, value: undefined },
  };
  return { ...head, iterator, flushed };
}

describe('status line and headers', () => {
  test('reason phrase from node:http unless the handler set one', async () => {
    expect((await callApp(app(() => new Response('x', { status: 201 })))).status).toBe('201 Created');
    expect((await callApp(app(() => new Response(null, { status: 418 })))).status).toBe("418 I'm a Teapot");
    expect((await callApp(app(() => new Response('x', { status: 299 })))).status).toBe('299 Unknown');
    const custom = app(() => new Response('x', { status: 200, statusText: 'Fine Thanks' }));
    expect((await callApp(custom)).status).toBe('200 Fine Thanks');
  });

  test('each Set-Cookie stays its own field, dates and all', async () => {
    const cookies = ['a=1; Path=/', 'b=2; Expires=Wed, 21 Oct 2015 07:28:00 GMT; HttpOnly'];
    const result = await callApp(
      app(() => {
        const headers = new Headers({ 'content-type': 'text/plain' });
        for (const cookie of cookies) headers.append('set-cookie', cookie);
        return new Response('ok', { headers });
      }),
    );
    expect(valuesOf(result.headers, 'set-cookie')).toEqual(cookies);
  });

  test('hop-by-hop fields are dropped, including those named by Connection', async () => {
    const result = await callApp(
      app(
        () =>
          new Response('ok', {
            headers: {
              connection: 'close, x-private',
              'keep-alive': 'timeout=5',
              'transfer-encoding': 'chunked',
              upgrade: 'h2c',
              trailer: 'x-checksum',
              'x-private': 'secret',
              'x-kept': 'yes',
            },
          }),
      ),
    );
    // Declaring chunked framing also marks the body as a stream: no Content-Length is added.
    expect(result.headers.map(([name]) => name).sort()).toEqual(['content-type', 'x-kept']);
  });

  test('redirects keep their status and Location, with an empty body', async () => {
    const result = await callApp(
      app((request) => Response.redirect(new URL('/hello', request.url).href, 302)),
      { PATH_INFO: '/redirect' },
    );
    expect(result.status).toBe('302 Found');
    expect(valuesOf(result.headers, 'location')).toEqual(['http://localhost/hello']);
    expect(result.body.length).toBe(0);
  });

  test('Content-Length only when the body is known without waiting', async () => {
    const inMemory = await callApp(app(() => new Response('hello')));
    expect(valuesOf(inMemory.headers, 'content-length')).toEqual(['5']);
    const noContent = await callApp(app(() => new Response(null, { status: 204 })));
    expect(valuesOf(noContent.headers, 'content-length')).toEqual([]);
    const declared = await callApp(app(() => new Response('hey', { headers: { 'content-length': '3' } })));
    expect(valuesOf(declared.headers, 'content-length')).toEqual(['3']);
    const later = gate();
    setTimeout(later.open, 20);
    const streamed = await callApp(
      app(
        () =>
          new Response(
            new ReadableStream({
              async pull(controller) {
                await later.opened;
                controller.enqueue(encoder.encode('late'));
                controller.close();
              },
            }),
          ),
      ),
    );
    expect(valuesOf(streamed.headers, 'content-length')).toEqual([]);
    expect(streamed.text).toBe('late');
  });

  test('a handler that answers 404 is passed through', async () => {
    const result = await callApp(app(() => new Response('Not Found', { status: 404 })));
    expect(result.status).toBe('404 Not Found');
    expect(result.text).toBe('Not Found');
  });
});

describe('the Request the handler sees', () => {
  test('URL, method, and every header field, repeats appended', async () => {
    let seen: Request | undefined;
    await callApp(
      app((request) => {
        seen = request;
        return new Response(null, { status: 204 });
      }),
      { REQUEST_METHOD: 'DELETE', PATH_INFO: '/a b', QUERY_STRING: 'x=1', REQUEST_URI: '/a%20b?x=1' },
      { headers: { Host: 'api.test', Accept: 'text/html' } },
    );
    expect(seen?.method).toBe('DELETE');
    expect(seen?.url).toBe('http://api.test/a%20b?x=1');
    expect(seen?.headers.get('accept')).toBe('text/html');
    expect(seen?.headers.get('host')).toBe('api.test');
  });

  test('repeated fields from gateway.raw_headers are all kept', async () => {
    let accept: string | null = null;
    const environ: Partial<Environ> = {
      'gateway.raw_headers': ['Host', 'localhost', 'Accept', 'text/html', 'Accept', 'application/json'],
    };
    await callApp(
      app((request) => {
        accept = request.headers.get('accept');
        return new Response('ok');
      }),
      environ,
    );
    expect(accept).toBe('text/html, application/json');
  });

  test('TRACE reaches the handler under its own name', async () => {
    const result = await callApp(
      app((request) => new Response(request.method, { status: 405 })),
      { REQUEST_METHOD: 'TRACE' },
    );
    expect(result.text).toBe('TRACE');
  });

  test('a JSON body parses with request.json()', async () => {
    const result = await callApp(
      app(async (request) => Response.json({ received: await request.json() })),
      { REQUEST_METHOD: 'POST', PATH_INFO: '/json' },
      { body: JSON.stringify({ a: [1, 2], b: 'ü' }), headers: { 'Content-Type': 'application/json' } },
    );
    expect(JSON.parse(result.text)).toEqual({ received: { a: [1, 2], b: 'ü' } });
    expect(valuesOf(result.headers, 'content-type')).toEqual(['application/json']);
  });

  test('the body streams in: the handler reads the first chunk before the last is sent', async () => {
    const halfway = gate();
    let sentAll = false;
    const input = (async function* () {
      yield encoder.encode('first ');
      await halfway.opened;
      sentAll = true;
      yield encoder.encode('second');
    })();
    const result = await callApp(
      app(async (request) => {
        const reader = (request.body as ReadableStream<Uint8Array>).getReader();
        const first = await reader.read();
        const sawFirstEarly = !sentAll;
        halfway.open();
        let text = new TextDecoder().decode(first.value);
        for (let r = await reader.read(); !r.done; r = await reader.read()) text += new TextDecoder().decode(r.value);
        return new Response(`${sawFirstEarly}:${text}`);
      }),
      { REQUEST_METHOD: 'POST', 'gateway.input': input },
      { headers: { 'Transfer-Encoding': 'chunked' } },
    );
    expect(result.text).toBe('true:first second');
  });

  test('gateway.input is not touched unless the handler reads the body', async () => {
    let started = false;
    const input = {
      [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
        started = true;
        return (async function* () {})();
      },
    };
    await callApp(fromFetchHandler(() => new Response('ignored the body')), {
      REQUEST_METHOD: 'POST',
      'gateway.input': input,
    });
    expect(started).toBe(false);
  });
});

describe('the body going out', () => {
  test('streams: the first chunk arrives before the handler produces the last', async () => {
    const release = gate();
    let producedLast = false;
    const { iterator } = await begin(
      app(
        () =>
          new Response(
            new ReadableStream<Uint8Array>({
              async start(controller) {
                controller.enqueue(encoder.encode('chunk 0\n'));
                await release.opened;
                producedLast = true;
                controller.enqueue(encoder.encode('chunk 1\n'));
                controller.close();
              },
            }),
            { headers: { 'content-type': 'text/plain' } },
          ),
      ),
    );
    const first = await iterator.next();
    expect(new TextDecoder().decode(first.value as Uint8Array)).toBe('chunk 0\n');
    expect(producedLast).toBe(false);
    release.open();
    const second = await iterator.next();
    expect(new TextDecoder().decode(second.value as Uint8Array)).toBe('chunk 1\n');
    expect((await iterator.next()).done).toBe(true);
  });

  test('binary bytes arrive unchanged (checked by hash)', async () => {
    const bytes = new Uint8Array(randomBytes(3 * 1024 * 1024 + 17));
    const result = await callApp(
      app(
        () =>
          new Response(
            new ReadableStream<Uint8Array>({
              start(controller) {
                for (let at = 0; at < bytes.length; at += 65536) controller.enqueue(bytes.slice(at, at + 65536));
                controller.close();
              },
            }),
            { headers: { 'content-type': 'application/octet-stream' } },
          ),
      ),
    );
    expect(result.body.length).toBe(bytes.length);
    expect(sha256(result.body)).toBe(sha256(bytes));
  });

  test('HEAD sends no body and cancels the one the handler made', async () => {
    let cancelled = false;
    const result = await callApp(
      app(
        () =>
          new Response(
            new ReadableStream({
              pull: (controller) => controller.enqueue(encoder.encode('never sent')),
              cancel: () => void (cancelled = true),
            }),
            { headers: { 'content-type': 'text/plain' } },
          ),
      ),
      { REQUEST_METHOD: 'HEAD' },
    );
    expect(result.status).toBe('200 OK');
    expect(result.body.length).toBe(0);
    expect(cancelled).toBe(true);
  });

  test('return() from the server cancels the response stream', async () => {
    let cancelled = false;
    const { iterator } = await begin(
      app(
        () =>
          new Response(
            new ReadableStream({
              pull: (controller) => controller.enqueue(encoder.encode('more ')),
              cancel: () => void (cancelled = true),
            }),
          ),
      ),
    );
    await iterator.next();
    await iterator.return?.();
    expect(cancelled).toBe(true);
  });

  test('client gone: request.signal aborts and the response stream is cancelled', async () => {
    const client = new AbortController();
    let requestSignal: AbortSignal | undefined;
    const cancelled = gate();
    const { iterator } = await begin(
      app((request) => {
        requestSignal = request.signal;
        let sent = false;
        return new Response(
          new ReadableStream({
            // One chunk, then silence: the stream waits forever, as an idle event stream does.
            pull: (controller) => {
              if (!sent) controller.enqueue(encoder.encode('hello'));
              sent = true;
              return new Promise(() => {});
            },
            cancel: () => cancelled.open(),
          }),
        );
      }),
      {},
      { signal: client.signal },
    );
    await iterator.next();
    const waiting = iterator.next();
    client.abort();
    expect(requestSignal?.aborted).toBe(true);
    await cancelled.opened;
    expect((await waiting).done).toBe(true);
  });

  test('a handler that throws rejects, so the server answers 500', async () => {
    await expect(
      callApp(
        fromFetchHandler(() => {
          throw new Error('boom');
        }),
      ),
    ).rejects.toThrow('boom');
  });
});

describe('what the bridge does with the Response', () => {
  test('a body in memory, answered synchronously, comes back as an array at once (fast engine)', () => {
    const body = fromFetchHandler(() => new Response('now'), { engine: 'fast' })(makeEnviron(), () => async () => {});
    expect(Array.isArray(body)).toBe(true);
    expect(new TextDecoder().decode((body as Uint8Array[])[0])).toBe('now');
  });

  test('a Response made after an await (undici’s own) gets the same head and body', async () => {
    const late = await callApp(
      app(async () => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        return new Response('made later', { headers: { 'x-late': 'yes' } });
      }),
    );
    const early = await callApp(app(() => new Response('made later', { headers: { 'x-late': 'yes' } })));
    expect(late.headers).toEqual(early.headers);
    expect(late.text).toBe('made later');
    expect(valuesOf(late.headers, 'content-length')).toEqual(['10']);
  });

  test('headers changed on the Response after it was made are the ones sent', async () => {
    const result = await callApp(
      app(() => {
        const response = new Response('x', { status: 201 });
        response.headers.set('x-added', 'later');
        response.headers.append('set-cookie', 'a=1');
        response.headers.append('set-cookie', 'b=2');
        return response;
      }),
    );
    expect(result.status).toBe('201 Created');
    expect(valuesOf(result.headers, 'x-added')).toEqual(['later']);
    expect(valuesOf(result.headers, 'set-cookie')).toEqual(['a=1', 'b=2']);
    expect(valuesOf(result.headers, 'content-type')).toEqual(['text/plain;charset=UTF-8']);
  });

  test('a body the handler already looked at still goes out whole', async () => {
    const result = await callApp(
      app(() => {
        const response = new Response('seen');
        void response.body; // hands the body to undici's stream
        return response;
      }),
    );
    expect(result.text).toBe('seen');
    expect(valuesOf(result.headers, 'content-length')).toEqual(['4']);
  });

  test('declared chunked framing still means a stream, for a body in memory too', async () => {
    const { headers, iterator, flushed } = await begin(
      app(() => new Response('chunk', { headers: new Headers({ 'transfer-encoding': 'chunked' }) })),
    );
    expect(valuesOf(headers, 'content-length')).toEqual([]);
    expect(flushed).toBe(true);
    expect(new TextDecoder().decode((await iterator.next()).value as Uint8Array)).toBe('chunk');
  });

  test('HEAD: the GET’s headers without a body or a made-up length', async () => {
    const result = await callApp(app(() => new Response('body')), { REQUEST_METHOD: 'HEAD' });
    expect(valuesOf(result.headers, 'content-length')).toEqual([]);
    expect(result.body.length).toBe(0);
  });

  test('lightResponses: false leaves Response alone', async () => {
    let prototype: unknown;
    const handler: FetchHandler = () => {
      const response = new Response('plain');
      prototype = Object.getPrototypeOf(response);
      return response;
    };
    const result = await callApp(validator(fromFetchHandler(handler, { lightResponses: false })));
    expect(prototype).toBe(Response.prototype);
    expect(result.text).toBe('plain');
    expect(valuesOf(result.headers, 'content-length')).toEqual(['5']);
  });

  test('the engine decides: reference gives the handler undici’s Request and Response, fast the light ones', async () => {
    const seen = async (engine: 'fast' | 'reference' | 'fast,-light-request'): Promise<unknown[]> => {
      let kinds: unknown[] = [];
      const handler: FetchHandler = async (request) => {
        const text = await request.text();
        const response = new Response(`${request.method} ${text}`);
        kinds = [Object.getPrototypeOf(request) === Request.prototype, Object.getPrototypeOf(response) === Response.prototype];
        return response;
      };
      const result = await callApp(validator(fromFetchHandler(handler, { engine })), { REQUEST_METHOD: 'POST' }, { body: 'hi' });
      return [...kinds, result.status, result.text, valuesOf(result.headers, 'content-length')];
    };
    // The response is made after an await, so it is undici's under every engine.
    expect(await seen('reference')).toEqual([true, true, '200 OK', 'POST hi', ['7']]);
    expect(await seen('fast')).toEqual([false, true, '200 OK', 'POST hi', ['7']]);
    expect(await seen('fast,-light-request')).toEqual([true, true, '200 OK', 'POST hi', ['7']]);
    // Inside the handler `Response` is whichever class the bridge put there.
    const Native = Response;
    const sync = (engine: 'fast' | 'reference'): boolean => {
      let light = false;
      const body = fromFetchHandler(
        () => {
          const response = new Response('now');
          light = Object.getPrototypeOf(response) !== Native.prototype;
          return response;
        },
        { engine },
      )(makeEnviron(), () => async () => {});
      return light && Array.isArray(body);
    };
    expect(sync('fast')).toBe(true);
    expect(sync('reference')).toBe(false);
  });

  test('without an engine option, GATEWAY_ENGINE decides', async () => {
    let real: boolean | undefined;
    await callApp(
      fromFetchHandler((request) => {
        real = Object.getPrototypeOf(request) === Request.prototype;
        return new Response('x');
      }),
    );
    expect(real).toBe(!resolveEngine()['light-request']);
  });

  test('an engine choice that cannot be read fails when the bridge is made', () => {
    expect(() => fromFetchHandler(() => new Response('x'), { engine: 'fast,-no-such-trick' })).toThrow(/no-such-trick/);
  });
});

describe('over a socket', () => {
  test('cookies, streaming and an upload through the gateway server', async () => {
    const server = await serve(
      app(async (request) => {
        const url = new URL(request.url);
        if (url.pathname === '/cookies') {
          const headers = new Headers();
          headers.append('set-cookie', 'a=1; Path=/');
          headers.append('set-cookie', 'b=2; Path=/; HttpOnly');
          return new Response('two cookies', { headers });
        }
        if (url.pathname === '/upload') {
          const bytes = new Uint8Array(await request.arrayBuffer());
          return new Response(sha256(bytes));
        }
        return new Response('Not Found', { status: 404 });
      }),
      { host: '127.0.0.1', port: 0 },
    );
    try {
      const cookies = await fetch(`${server.url}/cookies`);
      expect(cookies.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2; Path=/; HttpOnly']);
      expect(await cookies.text()).toBe('two cookies');

      const upload = new Uint8Array(randomBytes(2 * 1024 * 1024));
      const uploaded = await fetch(`${server.url}/upload`, { method: 'POST', body: upload });
      expect(await uploaded.text()).toBe(sha256(upload));

      const missing = await fetch(`${server.url}/nope`);
      expect(missing.status).toBe(404);
      await missing.body?.cancel();
    } finally {
      await server.close();
    }
  });
});
