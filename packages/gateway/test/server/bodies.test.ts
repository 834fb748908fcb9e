// Request and response bodies: Content-Length and chunked input (with extensions and trailers),
// Expect: 100-continue, and backpressure in both directions (SPEC 2.4, 4.3, 6.3).
import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/types.ts';
import { RawClient, closeAll, parseResponses, request, sleep, start } from '../helpers.ts';

afterEach(closeAll);

/** Answers with the sha256 and length of the request body it read. */
const digest: App = async (environ, startResponse) => {
  const hash = createHash('sha256');
  let length = 0;
  for await (const chunk of environ['gateway.input']) {
    hash.update(chunk);
    length += chunk.length;
  }
  startResponse('200 OK', [['Content-Type', 'text/plain']]);
  return [`${length} ${hash.digest('hex')}`];
};

const sha = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

describe('2.4 request bodies', () => {
  it('reads a Content-Length body sent by fetch', async () => {
    const server = await start(digest);
    const body = randomBytes(300_000);
    const res = await fetch(`${server.url}/`, { method: 'POST', body });
    expect(await res.text()).toBe(`${body.length} ${sha(body)}`);
  });

  it('decodes a chunked body with extensions and trailers', async () => {
    const server = await start(digest);
    const client = await RawClient.connect(server.port);
    await client.write(
      'POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n' +
        '5;name=value;q="quoted \\" text"\r\nhello\r\n' +
        '1;ext\r\n \r\n' +
        '6\r\nworld!\r\n' +
        '0\r\nX-Checksum: abc\r\nX-More: 1\r\n\r\n',
    );
    const [res] = await client.responses(1);
    expect(res!.body.toString()).toBe(`12 ${sha('hello world!')}`);
    await client.write(request('GET', '/'));
    expect(await client.responses(2)).toHaveLength(2); // the connection is still good
    client.close();
  });

  it('streams a chunked upload from fetch (duplex) without knowing its length', async () => {
    const server = await start(digest);
    const parts = [randomBytes(1000), randomBytes(70_000), randomBytes(5)];
    const stream = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const next = parts.shift();
        if (next === undefined) controller.close();
        else controller.enqueue(next);
      },
    });
    const all = Buffer.concat([parts[0]!, parts[1]!, parts[2]!]);
    const res = await fetch(`${server.url}/`, { method: 'POST', body: stream, duplex: 'half' } as RequestInit);
    expect(await res.text()).toBe(`${all.length} ${sha(all)}`);
  });

  it('reads and drops a small unread body so the connection can go on', async () => {
    const server = await start((_e, sr) => {
      sr('200 OK', []);
      return ['ignored your body'];
    });
    const client = await RawClient.connect(server.port);
    await client.write(request('POST', '/', [], 'x'.repeat(1000)) + request('GET', '/next'));
    const responses = await client.responses(2);
    expect(responses).toHaveLength(2);
    expect(responses[0]!.headers.has('connection')).toBe(false);
    client.close();
  });

  // node:http reads and drops the rest of a body its handler left unread, and keeps the
  // connection; the gateway does the same up to 1 MiB (SECURITY.md), declared or chunked.
  it('keeps the connection after an early answer to a 256 KiB body, declared or chunked', async () => {
    const server = await start((_e, sr) => {
      sr('200 OK', []);
      return ['early'];
    });
    const big = 'x'.repeat(256 * 1024);
    for (const [framing, body] of [
      ['Content-Length', `Content-Length: ${big.length}\r\n\r\n${big}`],
      ['chunked', `Transfer-Encoding: chunked\r\n\r\n${(big.length).toString(16)}\r\n${big}\r\n0\r\n\r\n`],
    ]) {
      const client = await RawClient.connect(server.port);
      await client.write(`POST / HTTP/1.1\r\nHost: t\r\n${body}` + request('GET', '/next'));
      const responses = await client.responses(2);
      expect(responses.map((r) => r.body.toString()), framing).toEqual(['early', 'early']);
      expect(responses[0]!.headers.has('connection'), framing).toBe(false);
      client.close();
    }
  });

  it('closes instead once more than 1 MiB of an unread chunked body has been dropped', async () => {
    const server = await start((_e, sr) => {
      sr('200 OK', []);
      return ['early'];
    });
    const client = await RawClient.connect(server.port);
    await client.write('POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n');
    await client.responses(1);
    const piece = `${(64 * 1024).toString(16)}\r\n${'y'.repeat(64 * 1024)}\r\n`;
    for (let i = 0; i < 20 && !client.closed && !client.ended; i++) await client.write(piece).catch(() => {});
    await client.waitForEnd();
    expect(client.ended || client.closed).toBe(true);
  });
});

describe('6.3 Expect: 100-continue', () => {
  it('sends 100 Continue when the app reads the body, then the answer', async () => {
    const server = await start(digest);
    const client = await RawClient.connect(server.port);
    await client.write('POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n');
    await client.until((t) => t.includes('\r\n\r\n'));
    expect(client.text).toBe('HTTP/1.1 100 Continue\r\n\r\n');
    await client.write('hello');
    const [res] = await client.responses(1);
    expect(res!.body.toString()).toBe(`5 ${sha('hello')}`);
    client.close();
  });

  it('sends no 100 when the app answers without reading, and closes after', async () => {
    const server = await start((_e, sr) => {
      sr('403 Forbidden', []);
      return ['no'];
    });
    const client = await RawClient.connect(server.port);
    await client.write('POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\nExpect: 100-continue\r\n\r\n');
    const text = await client.waitForEnd();
    expect(text).not.toContain('100 Continue');
    const [res] = parseResponses(text);
    expect(res!.status).toBe(403);
    expect(res!.headers.get('connection')).toEqual(['close']);
  });
});

describe('4.3 backpressure', () => {
  it('a client that does not read slows the app down', async () => {
    let pulled = 0;
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    const total = 1000; // 64 MiB if nothing held the app back
    const server = await start((_e, sr) => {
      sr('200 OK', []);
      return (function* () {
        for (let i = 0; i < total; i++) {
          pulled++;
          yield chunk;
        }
      })();
    });
    const socket = net.connect(server.port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    socket.pause();
    socket.write(request('GET', '/'));
    await sleep(300);
    const whilePaused = pulled;
    await sleep(200);
    expect(pulled).toBe(whilePaused); // the app is waiting for the client, not producing
    expect(pulled).toBeLessThan(total / 4);
    let received = 0;
    let tail = '';
    await new Promise<void>((resolve) => {
      socket.on('data', (data: Buffer) => {
        received += data.length;
        tail = (tail + data.toString('latin1')).slice(-5);
        if (tail === '0\r\n\r\n') resolve();
      });
      socket.resume();
    });
    expect(pulled).toBe(total);
    expect(received).toBeGreaterThan(total * chunk.length);
    socket.destroy();
  });

  it('an app that does not read the body stops the server reading the socket', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let received = 0;
    const server = await start(async (environ, sr) => {
      await gate;
      for await (const c of environ['gateway.input']) received += c.length;
      sr('200 OK', []);
      return [String(received)];
    });
    const size = 64 * 1024 * 1024;
    const client = await RawClient.connect(server.port);
    client.write(`POST / HTTP/1.1\r\nHost: t\r\nContent-Length: ${size}\r\n\r\n`);
    const piece = Buffer.alloc(1024 * 1024);
    for (let i = 0; i < 64; i++) client.socket.write(piece);
    await sleep(400);
    // If the server had buffered the body, the client's queue would have drained by now.
    expect(client.socket.writableLength).toBeGreaterThan(8 * 1024 * 1024);
    release();
    const [res] = await client.responses(1, 20_000);
    expect(res!.body.toString()).toBe(String(size));
    client.close();
  });
});
