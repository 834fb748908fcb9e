// Tests for toFetchHandler: gateway apps answering fetch `Request`s, called directly and behind a
// real `node:http` server (@hono/node-server's, which takes any fetch handler) on 127.0.0.1.
import { createHash, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import type { ServerType } from '@hono/node-server';
import type { App, Environ } from '@gateway-interop/gateway';
import { validator } from '@gateway-interop/gateway/validate';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { toFetchHandler } from './to-fetch.ts';

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function gate(): { opened: Promise<void>; open: () => void } {
  let open = (): void => {};
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

function handler(app: App): (request: Request) => Promise<Response> {
  return toFetchHandler(validator(app));
}

const servers: ServerType[] = [];

afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A node:http server that hands each request to `fetchHandler`; closed after the test. */
async function listen(fetchHandler: (request: Request) => Promise<Response>): Promise<string> {
  // Keep Node's own Request/Response: the library would otherwise swap the globals for its own.
  const server = createAdaptorServer({ fetch: fetchHandler, overrideGlobalObjects: false });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('toFetchHandler called directly', () => {
  test('status, reason and each Set-Cookie', async () => {
    const respond = handler((_environ, startResponse) => {
      startResponse('201 Made It', [
        ['Content-Type', 'text/plain'],
        ['Set-Cookie', 'a=1; Path=/'],
        ['Set-Cookie', 'b=2; Path=/; HttpOnly'],
      ]);
      return ['created'];
    });
    const response = await respond(new Request('http://example.test/x'));
    expect(response.status).toBe(201);
    expect(response.statusText).toBe('Made It');
    expect(response.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2; Path=/; HttpOnly']);
    expect(await response.text()).toBe('created');
  });

  test('the environ comes from the URL and the headers', async () => {
    let seen: Environ | undefined;
    const respond = handler((environ, startResponse) => {
      seen = environ;
      startResponse('204 No Content', []);
      return [];
    });
    await respond(
      new Request('https://example.test:8443/a%2Fb?q=%20', {
        method: 'POST',
        body: 'hi',
        headers: { 'Content-Type': 'text/plain', 'X-Thing': 'one', X_Sneaky: 'no' },
      }),
    );
    expect(seen).toMatchObject({
      REQUEST_METHOD: 'POST',
      PATH_INFO: '/a/b',
      QUERY_STRING: 'q=%20',
      REQUEST_URI: '/a%2Fb?q=%20',
      SERVER_NAME: 'example.test',
      SERVER_PORT: '8443',
      HTTP_HOST: 'example.test:8443',
      CONTENT_TYPE: 'text/plain',
      HTTP_X_THING: 'one',
      'gateway.url_scheme': 'https',
    });
    expect(seen?.HTTP_X_SNEAKY).toBeUndefined();
  });

  test('HEAD and 204 answers carry no body, and the app is stopped', async () => {
    let returned = 0;
    const respond = handler((environ, startResponse) => {
      startResponse(environ.PATH_INFO === '/none' ? '204 No Content' : '200 OK', [['Content-Type', 'text/plain']]);
      return (function* () {
        try {
          for (;;) yield 'body ';
        } finally {
          returned++;
        }
      })();
    });
    const head = await respond(new Request('http://x/', { method: 'HEAD' }));
    expect(head.status).toBe(200);
    expect(head.body).toBeNull();
    const none = await respond(new Request('http://x/none'));
    expect(none.status).toBe(204);
    expect(none.body).toBeNull();
    await vi.waitFor(() => expect(returned).toBe(2));
  });

  test('an app error before the first byte is a 500', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const respond = handler(() => {
      throw new Error('boom');
    });
    const response = await respond(new Request('http://x/'));
    expect(response.status).toBe(500);
    expect(await response.text()).toBe('Internal Server Error\n');
  });

  test('an error after the first byte errors the body stream', async () => {
    const respond = handler((_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return (async function* () {
        yield 'partial';
        throw new Error('mid-stream');
      })();
    });
    const response = await respond(new Request('http://x/'));
    await expect(response.text()).rejects.toThrow('mid-stream');
  });

  test('cancelling the body aborts gateway.signal and calls return()', async () => {
    const returned = gate();
    let signal: AbortSignal | undefined;
    const respond = handler((environ, startResponse) => {
      signal = environ['gateway.signal'];
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return (async function* () {
        try {
          for (let i = 0; ; i++) {
            yield `tick ${i}\n`;
            await new Promise((resolve) => setTimeout(resolve, 5));
          }
        } finally {
          returned.open();
        }
      })();
    });
    const response = await respond(new Request('http://x/'));
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    await reader.cancel();
    await returned.opened;
    expect(signal?.aborted).toBe(true);
  });
});

describe('toFetchHandler behind a node:http server', () => {
  test('streaming: the first chunk arrives before the app makes the last', async () => {
    const release = gate();
    let madeLast = false;
    const url = await listen(
      handler((_environ, startResponse) => {
        startResponse('200 OK', [['Content-Type', 'text/plain']]);
        return (async function* () {
          yield 'chunk 0\n';
          await release.opened;
          madeLast = true;
          yield 'chunk 1\n';
        })();
      }),
    );
    const response = await fetch(url);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe('chunk 0\n');
    expect(madeLast).toBe(false);
    release.open();
    let rest = '';
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += new TextDecoder().decode(r.value);
    expect(rest).toBe('chunk 1\n');
  });

  test('an upload streams in and binary bytes come back unchanged', async () => {
    const url = await listen(
      handler(async (environ, startResponse) => {
        const chunks: Uint8Array[] = [];
        for await (const chunk of environ['gateway.input']) chunks.push(chunk);
        const write = startResponse('200 OK', [['Content-Type', 'application/octet-stream']]);
        for (const chunk of chunks) await write(chunk);
        return [];
      }),
    );
    const upload = new Uint8Array(randomBytes(3 * 1024 * 1024 + 5));
    const response = await fetch(url, { method: 'POST', body: upload });
    const echoed = new Uint8Array(await response.arrayBuffer());
    expect(echoed.length).toBe(upload.length);
    expect(sha256(echoed)).toBe(sha256(upload));
  });

  test('redirects and cookies on the wire', async () => {
    const url = await listen(
      handler((_environ, startResponse) => {
        startResponse('302 Found', [
          ['Location', '/hello'],
          ['Set-Cookie', 'a=1; Path=/'],
          ['Set-Cookie', 'b=2; Path=/; HttpOnly'],
        ]);
        return [];
      }),
    );
    const response = await fetch(url, { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/hello');
    expect(response.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2; Path=/; HttpOnly']);
  });
});

describe('toFetchHandler peer', () => {
  const echoPeer: App = (environ, startResponse) => {
    startResponse('200 OK', [['Content-Type', 'text/plain']]);
    return [`${environ.REMOTE_ADDR}|${environ.REMOTE_PORT}`];
  };

  test('REMOTE_ADDR and REMOTE_PORT come from what the runtime passes beside the Request', async () => {
    const handle = toFetchHandler(validator(echoPeer), { peer: (_request, info: { ip: string }) => ({ address: info.ip, port: 4321 }) });
    expect(await (await handle(new Request('http://example.test/'), { ip: '192.0.2.7' })).text()).toBe('192.0.2.7|4321');
  });

  test('without it both are empty: a Request does not carry them', async () => {
    expect(await (await toFetchHandler(validator(echoPeer))(new Request('http://example.test/'))).text()).toBe('|');
  });
});
