// What the server answers by itself, and what it does when the app fails or the client leaves
// (SPEC 3.4, 4.4, 4.5, 5.1, 5.2, 6.5).
import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/types.ts';
import { RawClient, closeAll, parseResponses, request, sleep, start } from '../helpers.ts';
import { serve } from '../../src/server/server.ts';

afterEach(closeAll);

const hello: App = (_e, sr) => {
  sr('200 OK', []);
  return ['hello'];
};

/** Reads the whole body before answering, so errors inside the body reach the client too. */
const reader: App = async (environ, sr) => {
  for await (const _ of environ['gateway.input']);
  sr('200 OK', []);
  return ['read'];
};

async function refusal(raw: string, options = {}): Promise<{ status: number; text: string }> {
  const server = await start(reader, options);
  const client = await RawClient.connect(server.port);
  await client.write(raw);
  const text = await client.waitForEnd();
  return { status: parseResponses(text)[0]?.status ?? 0, text };
}

const MALFORMED: Array<[name: string, raw: string, status: number]> = [
    ['no Host on HTTP/1.1', 'GET / HTTP/1.1\r\n\r\n', 400],
    ['bare LF', 'GET / HTTP/1.1\nHost: t\n\n', 400],
    ['space before colon', 'GET / HTTP/1.1\r\nHost : t\r\n\r\n', 400],
    ['obs-fold', 'GET / HTTP/1.1\r\nHost: t\r\nX: a\r\n b\r\n\r\n', 400],
    ['both lengths', 'POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', 400],
    ['conflicting lengths', 'POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd', 400],
    ['signed length', 'POST / HTTP/1.1\r\nHost: t\r\nContent-Length: +3\r\n\r\nabc', 400],
    ['unknown coding', 'POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\n', 501],
    ['chunked not last', 'POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked, gzip\r\n\r\n', 400],
    ['bad chunk size', 'POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', 400],
    ['chunk data without CRLF', 'POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX\r\n', 400],
    ['HTTP/2.0', 'GET / HTTP/2.0\r\nHost: t\r\n\r\n', 505],
    ['garbage', 'hello\r\n\r\n', 400],
    ['control character in a value', 'GET / HTTP/1.1\r\nHost: t\r\nX: a\x01b\r\n\r\n', 400],
    ['two Host fields', 'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n', 400],
    ['a target without a leading slash', 'GET hello HTTP/1.1\r\nHost: t\r\n\r\n', 400],
    ['asterisk-form without OPTIONS', 'GET * HTTP/1.1\r\nHost: t\r\n\r\n', 400],
    ['a request line over the limit', `GET /${'a'.repeat(9000)} HTTP/1.1\r\nHost: t\r\n\r\n`, 414],
    ['a head over the limit', `GET / HTTP/1.1\r\nHost: t\r\nX: ${'a'.repeat(20_000)}\r\n\r\n`, 431],
];

async function refusalBytes(raw: string, options = {}): Promise<{ bytes: Buffer }> {
  const server = await start(reader, options);
  const client = await RawClient.connect(server.port);
  await client.write(raw);
  await client.waitForEnd();
  return { bytes: client.bytes };
}

describe('6.5 malformed requests get a 4xx/5xx and a closed connection', () => {
  it.each(MALFORMED)('%s', async (_name, raw, status) => {
    const result = await refusal(raw);
    expect(result.status).toBe(status);
    expect(result.text).toContain('Connection: close');
  });

  // A Content-Length that counts more bytes than are sent leaves the client waiting for the rest:
  // the message is UTF-8 (some hold a '…') and must be counted as the bytes that go out.
  it.each(MALFORMED)('%s: Content-Length is the number of body bytes sent', async (_name, raw) => {
    const { bytes } = await refusalBytes(raw);
    const end = bytes.indexOf('\r\n\r\n');
    const head = bytes.subarray(0, end).toString('latin1');
    const declared = Number(/\r\ncontent-length: (\d+)/i.exec(head)?.[1]);
    expect(bytes.length - (end + 4)).toBe(declared);
  });

  it('413 and 408 count their bytes too', async () => {
    for (const { bytes } of [
      await refusalBytes('POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 11\r\n\r\n', { maxBodyBytes: 10 }),
      await refusalBytes('GET / HTTP/1.1\r\nHost: t\r\n', { headersTimeoutMs: 200 }),
    ]) {
      const end = bytes.indexOf('\r\n\r\n');
      const declared = Number(/\r\ncontent-length: (\d+)/i.exec(bytes.subarray(0, end).toString('latin1'))?.[1]);
      expect(bytes.length - (end + 4)).toBe(declared);
    }
  });

  it('414 for a request line over the limit, 431 for a head over the limit', async () => {
    expect((await refusal(`GET /${'a'.repeat(9000)} HTTP/1.1\r\nHost: t\r\n\r\n`)).status).toBe(414);
    expect((await refusal(`GET / HTTP/1.1\r\nHost: t\r\nX: ${'a'.repeat(20_000)}\r\n\r\n`)).status).toBe(431);
    const many = Array.from({ length: 101 }, (_, i) => `X-${i}: v\r\n`).join('');
    expect((await refusal(`GET / HTTP/1.1\r\nHost: t\r\n${many}\r\n`)).status).toBe(431);
  });

  it('413 for a body over the limit, declared or chunked', async () => {
    expect((await refusal('POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 11\r\n\r\n', { maxBodyBytes: 10 })).status).toBe(413);
    const server = await start(reader, { maxBodyBytes: 10 });
    const client = await RawClient.connect(server.port);
    await client.write('POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n8\r\n12345678\r\n');
    const text = await client.waitForEnd();
    expect(parseResponses(text)[0]!.status).toBe(413);
  });

  it('keeps serving other connections after a bad request', async () => {
    const server = await start(hello);
    const bad = await RawClient.connect(server.port);
    await bad.write('BROKEN\r\n\r\n');
    await bad.waitForEnd();
    expect(await (await fetch(`${server.url}/`)).text()).toBe('hello');
  });
});

describe('5.1 app failures', () => {
  const cases: Array<[string, App]> = [
    ['throws synchronously', () => { throw new Error('sync'); }],
    ['rejects', async () => { throw new Error('async'); }],
    ['throws from the body before the first chunk', (_e, sr) => { sr('200 OK', []); return (function* () { yield* []; throw new Error('gen'); })(); }],
    ['sends a hop-by-hop header (3.4)', (_e, sr) => { sr('200 OK', [['Connection', 'close']]); return ['x']; }],
    ['sends CR LF in a header value', (_e, sr) => { sr('200 OK', [['X', 'a\r\nInjected: 1']]); return ['x']; }],
    ['returns something that is not a body', () => 42 as unknown as string[]],
    ['never calls startResponse', () => ['x']],
  ];
  it.each(cases)('500 when the app %s, and the server goes on', async (_name, app) => {
    const errors: string[] = [];
    const handle = await serve(app, { host: '127.0.0.1', port: 0, errors: { write: (m) => void errors.push(m) } });
    try {
      const client = await RawClient.connect(handle.port);
      await client.write(request('GET', '/') + request('GET', '/'));
      const responses = await client.responses(2);
      expect(responses.map((r) => r.status)).toEqual([500, 500]);
      expect(client.text).not.toContain('Injected');
      expect(errors.length).toBeGreaterThan(0);
      client.close();
    } finally {
      await handle.close();
    }
  });

  it('3.5 500 when startResponse is called twice without an error', async () => {
    const server = await start((_e, sr) => {
      sr('200 OK', []);
      sr('201 Created', []);
      return [];
    }).catch(() => null);
    // The validator would name the rule; here the server itself must refuse, so serve it bare.
    expect(server).not.toBeNull();
    const handle = await serve((_e, sr) => { sr('200 OK', []); sr('201 Created', []); return []; }, { host: '127.0.0.1', port: 0, errors: { write() {} } });
    const res = await fetch(`${handle.url}/`);
    expect(res.status).toBe(500);
    await handle.close();
  });

  it('after the headers are out, a failure closes the connection without a final chunk', async () => {
    const server = await start((_e, sr) => {
      sr('200 OK', []);
      return (async function* () {
        yield 'partial';
        await sleep(10);
        throw new Error('mid-stream');
      })();
    });
    const client = await RawClient.connect(server.port);
    await client.write(request('GET', '/'));
    const text = await client.waitForEnd();
    expect(text).toContain('partial');
    expect(text.endsWith('0\r\n\r\n')).toBe(false);
  });

  it('4.4 a body longer than its Content-Length is cut at the declared length', async () => {
    const server = await start((_e, sr) => {
      sr('200 OK', [['Content-Length', '3']]);
      return (async function* () {
        yield 'abc';
        await sleep(5);
        yield 'def';
      })();
    });
    const client = await RawClient.connect(server.port);
    await client.write(request('GET', '/'));
    const text = await client.waitForEnd();
    expect(text.endsWith('\r\n\r\nabc')).toBe(true);
  });
});

describe('5.2 client disconnects (rules 2.9, 4.5 too)', () => {
  it('aborts the signal and calls return() on the body iterator', async () => {
    let aborted = false;
    let returned = false;
    let signalSeen: AbortSignal | undefined;
    const server = await start((environ, sr) => {
      signalSeen = environ['gateway.signal'];
      signalSeen.addEventListener('abort', () => (aborted = true));
      sr('200 OK', []);
      return (async function* () {
        try {
          for (let i = 0; ; i++) {
            yield `tick ${i}\n`;
            await sleep(10);
          }
        } finally {
          returned = true;
        }
      })();
    });
    const client = await RawClient.connect(server.port);
    await client.write(request('GET', '/'));
    await client.until((t) => t.includes('tick 2'));
    client.close();
    for (let i = 0; i < 100 && !(aborted && returned); i++) await sleep(10);
    expect(aborted).toBe(true);
    expect(returned).toBe(true);
  });

  it('never aborts the signal of a request that completed', async () => {
    let signal: AbortSignal | undefined;
    const server = await start((environ, sr) => {
      signal = environ['gateway.signal'];
      sr('200 OK', []);
      return ['done'];
    });
    const client = await RawClient.connect(server.port);
    await client.write(request('GET', '/'));
    await client.responses(1);
    client.close();
    await sleep(50);
    expect(signal!.aborted).toBe(false);
  });

  it('rejects a pending body read when the client leaves mid-body', async () => {
    let failure: unknown;
    const server = await start(async (environ, sr) => {
      try {
        for await (const _ of environ['gateway.input']);
      } catch (error) {
        failure = error;
      }
      sr('200 OK', []);
      return [];
    });
    const client = await RawClient.connect(server.port);
    await client.write('POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nonly some');
    await sleep(50);
    client.close();
    for (let i = 0; i < 100 && failure === undefined; i++) await sleep(10);
    expect(failure).toBeInstanceOf(Error);
  });
});
