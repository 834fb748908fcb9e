// The request cycle over a real socket: framing chosen by the server, Date and Server, HEAD,
// 204/304, HTTP/1.0, keep-alive, pipelining and requests split at every byte (SPEC 4.6, 6.1, 6.2, 6.4).
import { afterEach, describe, expect, it } from 'vitest';
import type { App, Environ } from '../../src/types.ts';
import { RawClient, closeAll, parseResponses, request, sleep, start } from '../helpers.ts';

afterEach(closeAll);

const hello: App = (_environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'text/plain']]);
  return ['Hello world!\n'];
};

/** Answers with what it saw, so tests can check the environ through the wire. */
const echoEnviron: App = async (environ) => {
  const parts: Uint8Array[] = [];
  for await (const chunk of environ['gateway.input']) parts.push(chunk);
  const seen = {
    method: environ.REQUEST_METHOD,
    path: environ.PATH_INFO,
    query: environ.QUERY_STRING,
    uri: environ.REQUEST_URI,
    protocol: environ.SERVER_PROTOCOL,
    host: environ.HTTP_HOST,
    raw: environ['gateway.raw_headers'],
    body: Buffer.concat(parts).toString('latin1'),
    remote: environ.REMOTE_ADDR,
  };
  return [JSON.stringify(seen)];
};
const withStart =
  (inner: App): App =>
  (environ, startResponse) => {
    startResponse('200 OK', [['Content-Type', 'application/json']]);
    return inner(environ, startResponse);
  };

describe('a simple GET', () => {
  it('6.2 answers with Content-Length, Date (IMF-fixdate) and Server', async () => {
    const server = await start(hello);
    const client = await RawClient.connect(server.port);
    await client.write(request('GET', '/hello'));
    const [res] = await client.responses(1);
    expect(res!.statusLine).toBe('HTTP/1.1 200 OK');
    expect(res!.headers.get('content-length')).toEqual(['13']);
    expect(res!.headers.get('date')?.[0]).toMatch(/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d GMT$/);
    expect(Math.abs(Date.parse(res!.headers.get('date')![0]!) - Date.now())).toBeLessThan(5000);
    expect(res!.headers.get('server')).toEqual(['gateway-interop']);
    expect(res!.body.toString()).toBe('Hello world!\n');
    client.close();
  });

  it('6.2 works with fetch, and keeps the app Date and Server when it sends them', async () => {
    const server = await start((_e, sr) => {
      sr('200 OK', [['Date', 'Thu, 01 Jan 1970 00:00:00 GMT'], ['Server', 'mine']]);
      return [];
    });
    const res = await fetch(`${server.url}/`);
    expect(res.headers.get('date')).toBe('Thu, 01 Jan 1970 00:00:00 GMT');
    expect(res.headers.get('server')).toBe('mine');
    expect(res.headers.get('content-length')).toBe('0');
  });

  it('3.3 keeps repeated response fields repeated and in order', async () => {
    const server = await start((_e, sr) => {
      sr('200 OK', [['Set-Cookie', 'a=1'], ['X-A', '1'], ['Set-Cookie', 'b=2']]);
      return ['ok'];
    });
    const client = await RawClient.connect(server.port);
    await client.write(request('GET', '/'));
    const [res] = await client.responses(1);
    expect(res!.headers.get('set-cookie')).toEqual(['a=1', 'b=2']);
    expect(res!.rawHead.indexOf('Set-Cookie: a=1')).toBeLessThan(res!.rawHead.indexOf('Set-Cookie: b=2'));
    client.close();
  });
});

describe('environ over the wire (section 2)', () => {
  it('2.2 splits path and query, decodes PATH_INFO, keeps REQUEST_URI and raw headers', async () => {
    const server = await start(withStart(echoEnviron));
    const client = await RawClient.connect(server.port);
    await client.write(request('GET', '/caf%C3%A9/a%2Fb?x=%20y&z', ['X-Dup: 1', 'x-dup: 2']));
    const [res] = await client.responses(1);
    const seen = JSON.parse(res!.body.toString()) as Record<string, unknown>;
    expect(seen.path).toBe('/café/a/b');
    expect(seen.query).toBe('x=%20y&z');
    expect(seen.uri).toBe('/caf%C3%A9/a%2Fb?x=%20y&z');
    expect(seen.raw).toEqual(['Host', 'test', 'X-Dup', '1', 'x-dup', '2']);
    expect(seen.remote).toBe('127.0.0.1');
    client.close();
  });

  it('2.3 joins repeated fields, skips names with "_", and maps absolute-form targets', async () => {
    let environ: Environ | undefined;
    const server = await start((e, sr) => {
      environ = e;
      sr('204 No Content', []);
      return [];
    });
    const client = await RawClient.connect(server.port);
    await client.write(
      'GET http://example.com/p/q?r=1 HTTP/1.1\r\nHost: example.com\r\nAccept: a\r\nAccept: b\r\nCookie: c=1\r\nCookie: d=2\r\nX_Spoof: 1\r\n\r\n',
    );
    await client.responses(1);
    expect(environ!.PATH_INFO).toBe('/p/q');
    expect(environ!.QUERY_STRING).toBe('r=1');
    expect(environ!.HTTP_ACCEPT).toBe('a, b');
    expect(environ!.HTTP_COOKIE).toBe('c=1; d=2');
    expect(Object.keys(environ!).filter((k) => k.includes('SPOOF'))).toEqual([]);
    expect(environ!.SERVER_PORT).toBe(String(server.port));
    client.close();
  });
});

describe('6.1 framing chosen by the server', () => {
  async function get(app: App, minor = 1, method = 'GET'): Promise<{ res: ReturnType<typeof parseResponses>[0]; client: RawClient }> {
    const server = await start(app);
    const client = await RawClient.connect(server.port);
    await client.write(`${method} / HTTP/1.${minor}\r\nHost: t\r\n\r\n`);
    const text = await (minor === 0 ? client.waitForEnd() : client.until((t) => parseResponses(t, new Set(method === 'HEAD' ? [0] : [])).length > 0));
    const [res] = parseResponses(text, new Set(method === 'HEAD' ? [0] : []));
    return { res: res!, client };
  }

  const streaming: App = (_e, sr) => {
    sr('200 OK', [['Content-Type', 'text/plain']]);
    return (async function* () {
      yield 'one ';
      await sleep(30);
      yield 'two';
    })();
  };

  it('gives a one-chunk async body a Content-Length', async () => {
    const { res, client } = await get((_e, sr) => {
      sr('200 OK', []);
      return (async function* () {
        yield 'only';
      })();
    });
    expect(res.framing).toBe('length');
    expect(res.body.toString()).toBe('only');
    client.close();
  });

  it('streams a slow body with chunked encoding on HTTP/1.1', async () => {
    const { res, client } = await get(streaming);
    expect(res.framing).toBe('chunked');
    expect(res.body.toString()).toBe('one two');
    client.close();
  });

  it('delimits a slow body by closing on HTTP/1.0', async () => {
    const { res } = await get(streaming, 0);
    expect(res.framing).toBe('close');
    expect(res.body.toString()).toBe('one two');
  });

  it('sends the first chunk before the last one is produced', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const server = await start((_e, sr) => {
      sr('200 OK', []);
      return (async function* () {
        yield 'first';
        await gate;
        yield 'last';
      })();
    });
    const client = await RawClient.connect(server.port);
    await client.write(request('GET', '/'));
    const early = await client.until((t) => t.includes('first'));
    expect(early).not.toContain('last');
    release();
    const [res] = await client.responses(1);
    expect(res!.body.toString()).toBe('firstlast');
    client.close();
  });

  it('honours an app Content-Length on a stream', async () => {
    const { res, client } = await get((_e, sr) => {
      sr('200 OK', [['Content-Length', '6']]);
      return (async function* () {
        yield 'abc';
        await sleep(10);
        yield 'def';
      })();
    });
    expect(res.framing).toBe('length');
    expect(res.body.toString()).toBe('abcdef');
    client.close();
  });

  it('4.6 gives HEAD the GET framing headers and no body', async () => {
    const a = await get(hello, 1, 'HEAD');
    expect(a.res.headers.get('content-length')).toEqual(['13']);
    const declared = await get((_e, sr) => { sr('200 OK', [['Content-Length', '25']]); return []; }, 1, 'HEAD');
    expect(declared.res.status).toBe(200);
    expect(declared.res.headers.get('content-length')).toEqual(['25']);
    declared.client.close();
    const empty = await get((_e, sr) => { sr('200 OK', []); return []; }, 1, 'HEAD');
    expect(empty.res.headers.has('content-length')).toBe(false);
    empty.client.close();
    expect(a.client.text.endsWith('\r\n\r\n')).toBe(true);
    a.client.close();
    let closed = false;
    const b = await get((_e, sr) => {
      sr('200 OK', []);
      return (async function* () {
        try {
          yield 'x';
          await sleep(20);
          yield 'y';
        } finally {
          closed = true;
        }
      })();
    }, 1, 'HEAD');
    expect(b.res.headers.get('transfer-encoding')).toEqual(['chunked']);
    await sleep(50);
    expect(b.client.text.endsWith('\r\n\r\n')).toBe(true);
    expect(closed).toBe(true);
    b.client.close();
  });

  it('4.6 sends no body and no framing for 204 and 304', async () => {
    for (const status of ['204 No Content', '304 Not Modified']) {
      const server = await start((_e, sr) => {
        sr(status, []);
        return ['ignored'];
      });
      const client = await RawClient.connect(server.port);
      await client.write(request('GET', '/') + request('GET', '/'));
      const responses = await client.responses(2);
      expect(responses.map((r) => r.status)).toEqual([Number(status.slice(0, 3)), Number(status.slice(0, 3))]);
      expect(responses[0]!.headers.has('content-length')).toBe(false);
      expect(responses[0]!.headers.has('transfer-encoding')).toBe(false);
      expect(client.text).not.toContain('ignored');
      client.close();
    }
  });

  it('3.6 lets an imperative writer stream through write()', async () => {
    const server = await start(async (_e, sr) => {
      const write = sr('200 OK', [['Content-Type', 'text/plain']]);
      await write('a');
      await sleep(10);
      await write(new Uint8Array([0x62]));
      return ['c'];
    });
    const res = await fetch(`${server.url}/`);
    expect(await res.text()).toBe('abc');
    expect(res.headers.get('transfer-encoding')).toBe('chunked');
  });
});

describe('6.4 connections', () => {
  it('keeps an HTTP/1.1 connection for the next request', async () => {
    const server = await start(hello);
    const client = await RawClient.connect(server.port);
    await client.write(request('GET', '/a'));
    await client.responses(1);
    await client.write(request('GET', '/b'));
    const responses = await client.responses(2);
    expect(responses).toHaveLength(2);
    expect(client.closed).toBe(false);
    client.close();
  });

  it('answers pipelined requests in order, in one go', async () => {
    const server = await start(
      withStart(async (environ) => {
        if (environ.PATH_INFO === '/slow') await sleep(30);
        return [environ.PATH_INFO];
      }),
    );
    const client = await RawClient.connect(server.port);
    await client.write(request('GET', '/slow') + request('GET', '/2') + request('POST', '/3', [], 'body') + request('GET', '/4'));
    const responses = await client.responses(4);
    expect(responses.map((r) => r.body.toString())).toEqual(['/slow', '/2', '/3', '/4']);
    client.close();
  });

  it('sends every body byte as given, small or large, pipelined or not', async () => {
    // Small bodies leave with their head as one latin-1 string, larger ones as a Buffer
    // (response-writer.ts, SMALL_BODY): bytes 0x80-0xff and UTF-8 text must come through both.
    const every = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const bodies: Record<string, Uint8Array | string> = {
      '/every': every,
      '/text': 'h\u00e9llo \u2713 \u{1d11e}',
      '/u8': new Uint8Array(every.subarray(120, 140)),
      '/1023': Buffer.alloc(1023, 0xe9),
      '/1024': Buffer.alloc(1024, 0xfe),
      '/1025': Buffer.alloc(1025, 0x80),
    };
    const server = await start((environ, sr) => {
      sr('200 OK', [['Content-Type', 'application/octet-stream']]);
      return [bodies[environ.PATH_INFO]!];
    });
    const expected = Object.values(bodies).map((b) => Buffer.from(typeof b === 'string' ? Buffer.from(b) : b));
    const client = await RawClient.connect(server.port);
    await client.write(Object.keys(bodies).map((path) => request('GET', path)).join(''));
    expect((await client.responses(6)).map((r) => r.body)).toEqual(expected);
    for (const [i, path] of Object.keys(bodies).entries()) {
      await client.write(request('GET', path));
      const responses = await client.responses(7 + i);
      expect(responses[6 + i]!.body).toEqual(expected[i]);
    }
    client.close();
  });

  it('closes after Connection: close, and after HTTP/1.0 unless keep-alive', async () => {
    const server = await start(hello);
    const a = await RawClient.connect(server.port);
    await a.write(request('GET', '/', ['Connection: close']));
    const text = await a.waitForEnd();
    expect(parseResponses(text)[0]!.headers.get('connection')).toEqual(['close']);

    const b = await RawClient.connect(server.port);
    await b.write('GET / HTTP/1.0\r\n\r\n');
    await b.waitForEnd();

    const c = await RawClient.connect(server.port);
    await c.write('GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n');
    const [res] = await c.responses(1);
    expect(res!.headers.get('connection')).toEqual(['keep-alive']);
    await c.write('GET / HTTP/1.0\r\n\r\n');
    await c.waitForEnd();
    expect(parseResponses(c.text)).toHaveLength(2);
  });

  it('treats a client that shuts its side mid-response as gone, and closes', async () => {
    let aborted = false;
    const server = await start(async (environ, sr) => {
      environ['gateway.signal'].addEventListener('abort', () => (aborted = true));
      await sleep(100);
      sr('200 OK', []);
      return ['late'];
    });
    const client = await RawClient.connect(server.port);
    client.socket.end(request('GET', '/'));
    await client.waitForEnd();
    for (let i = 0; i < 50 && !aborted; i++) await sleep(10);
    expect(aborted).toBe(true);
  });

  it('closes a connection whose client shut its side between requests', async () => {
    const server = await start(hello);
    const client = await RawClient.connect(server.port);
    await client.write(request('GET', '/'));
    const [first] = await client.responses(1);
    const answered = client.bytes.length;
    client.socket.end();
    await client.waitForEnd();
    expect(first!.status).toBe(200);
    expect(client.ended || client.closed).toBe(true);
    expect(client.bytes.length).toBe(answered); // nothing more was sent after the half-close
  });

  it('parses a request that arrives one byte at a time', async () => {
    const server = await start(withStart(echoEnviron));
    const client = await RawClient.connect(server.port);
    const bytes = request('POST', '/split?q=1', ['X-Long: ' + 'v'.repeat(40)], 'hello body');
    for (const ch of bytes) {
      await client.write(ch);
      await sleep(1);
    }
    const [res] = await client.responses(1);
    const seen = JSON.parse(res!.body.toString()) as { path: string; body: string };
    expect(seen.path).toBe('/split');
    expect(seen.body).toBe('hello body');
    client.close();
  });
});
