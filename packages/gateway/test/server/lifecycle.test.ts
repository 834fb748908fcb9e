// Timeouts, graceful shutdown, the access log and the teaching trace.
import { afterEach, describe, expect, it } from 'vitest';
import { serve } from '../../src/server/server.ts';
import type { App } from '../../src/types.ts';
import { RawClient, closeAll, parseResponses, request, sleep, start } from '../helpers.ts';

afterEach(closeAll);

const hello: App = (_e, sr) => {
  sr('200 OK', [['Content-Type', 'text/plain']]);
  return ['hello'];
};

describe('timeouts', () => {
  it('answers 408 and closes when a request head trickles in too slowly (slowloris)', async () => {
    const server = await start(hello, { headersTimeoutMs: 300 });
    const client = await RawClient.connect(server.port);
    await client.write('GET / HTTP/1.1\r\nHost: t\r\n');
    const keepTrickling = setInterval(() => void client.write('X: y\r\n').catch(() => {}), 100);
    const text = await client.waitForEnd(5000);
    clearInterval(keepTrickling);
    expect(parseResponses(text)[0]?.status).toBe(408);
  });

  it('closes an idle keep-alive connection after the keep-alive timeout', async () => {
    const server = await start(hello, { keepAliveTimeoutMs: 200 });
    const client = await RawClient.connect(server.port);
    await client.write(request('GET', '/'));
    await client.responses(1);
    await client.waitForEnd(5000);
    for (let i = 0; i < 50 && server.server.connectionCount > 0; i++) await sleep(10);
    expect(server.server.connectionCount).toBe(0);
  });

  it('answers 408 when a request body stops arriving', async () => {
    const server = await start(async (environ, sr) => {
      for await (const _ of environ['gateway.input']);
      sr('200 OK', []);
      return [];
    }, { bodyTimeoutMs: 300 });
    const client = await RawClient.connect(server.port);
    await client.write('POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc');
    const text = await client.waitForEnd(5000);
    expect(parseResponses(text)[0]?.status).toBe(408);
  });
});

describe('graceful shutdown', () => {
  it('lets a response in flight finish, closes idle connections, refuses new ones', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const handle = await serve(
      async (environ, sr) => {
        if (environ.PATH_INFO === '/slow') await gate;
        sr('200 OK', []);
        return [environ.PATH_INFO];
      },
      { host: '127.0.0.1', port: 0 },
    );
    const idle = await RawClient.connect(handle.port);
    await idle.write(request('GET', '/quick'));
    await idle.responses(1);
    const busy = await RawClient.connect(handle.port);
    await busy.write(request('GET', '/slow'));
    await sleep(20);
    const closed = handle.close();
    await idle.waitForEnd();
    await expect(fetch(`${handle.url}/quick`)).rejects.toThrow();
    release();
    const [res] = await busy.responses(1);
    expect(res!.body.toString()).toBe('/slow');
    expect(res!.headers.get('connection')).toEqual(['close']);
    await closed;
    expect(handle.server.connectionCount).toBe(0);
  });

  it('cuts responses still running after the shutdown timeout', async () => {
    const handle = await serve(
      async (_e, sr) => {
        sr('200 OK', []);
        return (async function* () {
          for (;;) {
            yield 'x';
            await sleep(20);
          }
        })();
      },
      { host: '127.0.0.1', port: 0, shutdownTimeoutMs: 200 },
    );
    const client = await RawClient.connect(handle.port);
    await client.write(request('GET', '/'));
    await client.until((t) => t.includes('x'));
    await handle.close();
    await client.waitForEnd();
    expect(handle.server.connectionCount).toBe(0);
  });
});

describe('access log and trace', () => {
  it('writes one Common Log Format line per request', async () => {
    const lines: string[] = [];
    const server = await start(hello, { accessLog: { write: (t: string) => lines.push(t) } });
    await (await fetch(`${server.url}/hello?x=1`)).text();
    await sleep(20);
    expect(lines.join('')).toMatch(/^127\.0\.0\.1 - - \[\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d \+0000\] "GET \/hello\?x=1 HTTP\/1\.1" 200 5\n$/);
  });

  it('traces request lines with "< " and response lines with "> "', async () => {
    const out: string[] = [];
    const server = await start(hello, { trace: { write: (t: string) => out.push(t) } });
    const client = await RawClient.connect(server.port);
    await client.write('GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n');
    await client.responses(1);
    await sleep(20);
    const text = out.join('');
    expect(text).toContain('< GET /hello HTTP/1.1\n< Host: localhost\n<\n');
    expect(text).toMatch(/> HTTP\/1\.1 200 OK\n> Content-Type: text\/plain\n> Date: .+\n> Server: gateway-interop\n> Content-Length: 5\n>\n/);
    client.close();
  });
});
