// The recorder over real sockets: what the tap sees at each step, that it is bounded (ring of
// exchanges, bodies cut with their totals kept), that it does not change what the client gets, and
// that an abandoned body is still closed through it (rule 4.5).
import { RawClient } from '../testing/raw-client.ts';
import { afterEach, describe, expect, it } from 'vitest';
import { serve } from '../server/server.ts';
import type { ServeHandle } from '../server/server.ts';
import type { App, Environ, StartResponse } from '../types.ts';
import { Recorder } from './recorder.ts';

let handle: ServeHandle | null = null;
afterEach(async () => {
  await handle?.close();
  handle = null;
});

async function start(app: App, recorder: Recorder): Promise<ServeHandle> {
  handle = await serve(app, { port: 0, accessLog: false, inspect: recorder });
  return handle;
}

/**
 * One raw exchange on its own connection (the request says Connection: close); resolves with
 * everything the server sent. The client does not shut its side first: the server would take that
 * as the client gone and stop the answer (as node:http does).
 */
async function raw(port: number, text: string | Buffer): Promise<string> {
  const client = await RawClient.connect(port);
  try {
    await client.write(text);
    return await client.waitForEnd();
  } finally {
    client.close();
  }
}

const hello: App = (_environ, startResponse) => {
  startResponse('200 OK', [
    ['Content-Type', 'text/plain'],
    ['X-App', 'yes'],
  ]);
  return ['hello'];
};

describe('Recorder', () => {
  it('records each step of an exchange and labels each response field by origin', async () => {
    const recorder = new Recorder();
    const { port } = await start(hello, recorder);
    const answer = await raw(
      port,
      'GET /a?b=1 HTTP/1.1\r\nHost: x\r\nX-Test: 1\r\nConnection: close\r\n\r\n',
    );
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    const [exchange] = recorder.list();
    expect(exchange).toBeDefined();
    const x = exchange!;
    expect(x.request.bytes.toString('latin1')).toBe(
      'GET /a?b=1 HTTP/1.1\r\nHost: x\r\nX-Test: 1\r\nConnection: close\r\n\r\n',
    );
    expect(x.head).toMatchObject({ method: 'GET', target: '/a?b=1', version: 'HTTP/1.1' });
    expect(Object.fromEntries(x.environ)).toMatchObject({
      REQUEST_METHOD: 'GET',
      PATH_INFO: '/a',
      QUERY_STRING: 'b=1',
      HTTP_X_TEST: '1',
    });
    expect(x.environ.map(([key]) => key)).toContain('gateway.input');
    expect(x.calls).toEqual([
      expect.objectContaining({
        status: '200 OK',
        headers: [
          ['Content-Type', 'text/plain'],
          ['X-App', 'yes'],
        ],
      }),
    ]);
    expect(x.chunks).toEqual([expect.objectContaining({ via: 'body', bytes: 5, first: 'hello' })]);
    const origins = Object.fromEntries(x.response!.fields.map((f) => [f.name, f.origin]));
    expect(origins).toEqual({
      'Content-Type': 'app',
      'X-App': 'app',
      'Content-Length': 'server',
      Date: 'server',
      Server: 'server',
      Connection: 'server',
    });
    expect(x.response!.raw).toBe(answer.slice(0, answer.indexOf('\r\n\r\n') + 4));
    expect(x).toMatchObject({ done: true, status: 200, sent: 5 });
    for (const layer of ['parse', 'environ', 'app', 'firstByte', 'lastByte'] as const)
      expect(x.timings[layer]).toBeGreaterThanOrEqual(0);
  });

  it('6.7 records write() calls and streamed chunks, and the client gets the same bytes as untapped', async () => {
    const app = async function* (_environ: Environ, startResponse: StartResponse) {
      const write = startResponse('200 OK', [['Content-Type', 'text/plain']]);
      await write('first ');
      yield 'second ';
      await new Promise((resolve) => setTimeout(resolve, 5));
      yield 'third';
    } satisfies App;
    const plain = await serve(app, { port: 0, accessLog: false });
    const request = 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n';
    const untapped = await raw(plain.port, request);
    await plain.close();
    const recorder = new Recorder();
    const { port } = await start(app, recorder);
    const tapped = await raw(port, request);
    const strip = (text: string): string => text.replace(/Date: [^\r]*/, 'Date: -');
    expect(strip(tapped)).toBe(strip(untapped));
    const x = recorder.list()[0]!;
    expect(x.chunks.map((c) => [c.via, c.first])).toEqual([
      ['write', 'first '],
      ['body', 'second '],
      ['body', 'third'],
    ]);
    expect(x.body.bytes.toString()).toBe('first second third');
  });

  it('6.7 keeps the last `capacity` exchanges, oldest first, and finds them by id', async () => {
    const recorder = new Recorder({ capacity: 3 });
    const { port } = await start(hello, recorder);
    for (let i = 0; i < 5; i++)
      await raw(port, `GET /${i} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    expect(recorder.list().map((x) => [x.id, x.head.target])).toEqual([
      [2, '/2'],
      [3, '/3'],
      [4, '/4'],
    ]);
    expect(recorder.get(4)?.head.target).toBe('/4');
    expect(recorder.get(1)).toBeUndefined();
  });

  it('6.7 cuts bodies at the limit and says the total', async () => {
    const echo: App = (environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'application/octet-stream']]);
      return environ['gateway.input'];
    };
    const recorder = new Recorder({ bodyLimit: 1000 });
    const { port } = await start(echo, recorder);
    const body = Buffer.alloc(5000, 'a');
    await raw(
      port,
      Buffer.concat([
        Buffer.from(
          `POST / HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
        ),
        body,
      ]),
    );
    const x = recorder.list()[0]!;
    expect(x.body.bytes.length).toBe(1000);
    expect(x.body.total).toBe(5000);
    expect(x.request.bytes.length).toBe(1000);
    expect(x.request.total).toBeGreaterThan(5000);
  });

  it('tells subscribers of each finished exchange, and stops when they unsubscribe', async () => {
    const recorder = new Recorder();
    const { port } = await start(hello, recorder);
    const seen: number[] = [];
    const unsubscribe = recorder.subscribe((x) => seen.push(x.id));
    await raw(port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    unsubscribe();
    await raw(port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(seen).toEqual([0]);
  });

  it('6.7 still closes a body the client abandons (rule 4.5)', async () => {
    let closed = false;
    const endless: App = (_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return (async function* () {
        try {
          while (true) {
            yield 'x'.repeat(1024);
            await new Promise((resolve) => setTimeout(resolve, 1));
          }
        } finally {
          closed = true;
        }
      })();
    };
    const recorder = new Recorder();
    const { port } = await start(endless, recorder);
    const client = await RawClient.connect(port);
    await client.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await client.waitFor((text) => text.length > 0);
    client.close();
    await expect.poll(() => closed, { timeout: 5000 }).toBe(true);
  });
});
