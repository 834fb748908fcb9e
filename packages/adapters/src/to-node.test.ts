// Tests for toNodeHandler: gateway apps served by a real `node:http` server on 127.0.0.1, checked
// with fetch. Every app runs through the validator, so the environ built here is checked too.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, get } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { App, Environ } from '@gateway-interop/gateway';
import { validator } from '@gateway-interop/gateway/validate';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { toNodeHandler } from './to-node.ts';

const servers: Server[] = [];

afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(
    servers.splice(0).map((server) => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    }),
  );
});

/** Serves `app` from node:http on a free port; closed after the test. */
async function listen(app: App): Promise<string> {
  const server = createServer(toNodeHandler(validator(app)));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function gate(): { opened: Promise<void>; open: () => void } {
  let open = (): void => {};
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('toNodeHandler', () => {
  test('status, reason and repeated Set-Cookie reach the client', async () => {
    const url = await listen((_environ, startResponse) => {
      startResponse('201 Made It', [
        ['Content-Type', 'text/plain'],
        ['Set-Cookie', 'a=1; Path=/'],
        ['Set-Cookie', 'b=2; Path=/; HttpOnly'],
      ]);
      return ['created'];
    });
    const response = await fetch(url);
    expect(response.status).toBe(201);
    expect(response.statusText).toBe('Made It');
    expect(response.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2; Path=/; HttpOnly']);
    expect(await response.text()).toBe('created');
  });

  test('the environ describes the request as sent', async () => {
    let seen: Environ | undefined;
    const url = await listen((environ, startResponse) => {
      seen = environ;
      startResponse('204 No Content', []);
      return [];
    });
    await fetch(`${url}/a%2Fb%20c?x=%20y&z`, { headers: { 'X-Thing': 'one', Cookie: 'a=1' } });
    expect(seen).toMatchObject({
      REQUEST_METHOD: 'GET',
      SCRIPT_NAME: '',
      PATH_INFO: '/a/b c',
      QUERY_STRING: 'x=%20y&z',
      REQUEST_URI: '/a%2Fb%20c?x=%20y&z',
      SERVER_NAME: '127.0.0.1',
      SERVER_PROTOCOL: 'HTTP/1.1',
      REMOTE_ADDR: '127.0.0.1',
      HTTP_X_THING: 'one',
      HTTP_COOKIE: 'a=1',
      'gateway.url_scheme': 'http',
    });
    expect(seen?.['gateway.raw_headers']).toContain('X-Thing');
  });

  test('streams: the client reads the first chunk before the app makes the last', async () => {
    const release = gate();
    let madeLast = false;
    const url = await listen((_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return (async function* () {
        yield 'chunk 0\n';
        await release.opened;
        madeLast = true;
        yield 'chunk 1\n';
      })();
    });
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

  test('uploads stream in and binary bytes come back intact', async () => {
    const url = await listen(async (environ, startResponse) => {
      const hash = createHash('sha256');
      let size = 0;
      for await (const chunk of environ['gateway.input']) {
        hash.update(chunk);
        size += chunk.length;
      }
      startResponse('200 OK', [['Content-Type', 'application/octet-stream']]);
      return [`${size} ${hash.digest('hex')}`];
    });
    const upload = new Uint8Array(randomBytes(4 * 1024 * 1024 + 3));
    const response = await fetch(url, { method: 'POST', body: upload });
    expect(await response.text()).toBe(`${upload.length} ${sha256(upload)}`);
  });

  test('write() and the returned body go out in order, with backpressure', async () => {
    const bytes = new Uint8Array(randomBytes(1024 * 1024));
    const url = await listen(async (_environ, startResponse) => {
      const write = startResponse('200 OK', [['Content-Type', 'application/octet-stream']]);
      for (let at = 0; at < bytes.length / 2; at += 16384) await write(bytes.subarray(at, at + 16384));
      return [bytes.subarray(bytes.length / 2)];
    });
    const body = new Uint8Array(await (await fetch(url)).arrayBuffer());
    expect(sha256(body)).toBe(sha256(bytes));
  });

  test('HEAD: headers only, and the body iterator is stopped', async () => {
    let returned = false;
    const url = await listen((_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return (function* () {
        try {
          for (;;) yield 'again ';
        } finally {
          returned = true;
        }
      })();
    });
    const response = await fetch(url, { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
    expect(returned).toBe(true);
  });

  test('an error before the first byte becomes a 500; startResponse may be replaced until then', async () => {
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const failing = await listen(() => {
      throw new Error('boom');
    });
    const failed = await fetch(failing);
    expect(failed.status).toBe(500);
    expect(await failed.text()).toBe('Internal Server Error\n');

    const replacing = await listen((_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      startResponse('503 Service Unavailable', [['Content-Type', 'text/plain']], new Error('db down'));
      return ['try later'];
    });
    const replaced = await fetch(replacing);
    expect(replaced.status).toBe(503);
    expect(await replaced.text()).toBe('try later');
  });

  test('an error after the first byte cuts the response short', async () => {
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const url = await listen((_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return (async function* () {
        yield 'partial';
        await new Promise((resolve) => setTimeout(resolve, 20));
        throw new Error('mid-stream');
      })();
    });
    const response = await fetch(url);
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
  });

  test('client gone: gateway.signal aborts and return() is called', async () => {
    const returned = gate();
    let signal: AbortSignal | undefined;
    const url = await listen((environ, startResponse) => {
      signal = environ['gateway.signal'];
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return (async function* () {
        try {
          yield 'first\n';
          await new Promise<void>((resolve) => environ['gateway.signal'].addEventListener('abort', () => resolve()));
        } finally {
          returned.open();
        }
      })();
    });
    const client = new AbortController();
    const response = await fetch(url, { signal: client.signal });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    client.abort();
    await reader.cancel().catch(() => {});
    await returned.opened;
    expect(signal?.aborted).toBe(true);
  });
});

describe('toNodeHandler: interim responses (SPEC 6.6)', () => {
  test('103 and 102 from gateway.informational reach a node:http client before the answer', async () => {
    const app: App = async (environ, startResponse) => {
      await environ['gateway.informational']?.('103 Early Hints', [['Link', '</a.css>; rel=preload']]);
      await environ['gateway.informational']?.('102 Processing');
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return ['final'];
    };
    const url = new URL(await listen(app));
    const seen: string[] = [];
    const body = await new Promise<string>((resolve, reject) => {
      const req = get({ host: url.hostname, port: url.port, path: '/', agent: false }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve(text));
      });
      req.on('information', (info) => seen.push(`${info.statusCode} ${info.headers.link ?? ''}`.trim()));
      req.on('error', reject);
    });
    expect(body).toBe('final');
    expect(seen).toEqual(['103 </a.css>; rel=preload', '102']);
  });
});
