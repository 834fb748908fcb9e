// Status codes past 599, 205 Reset Content, and the explicit flush, over a real socket (SPEC 3.1,
// 3.7, 4.2, 4.6): what a Node app can do with res.statusCode, res.flushHeaders() and a head that
// must reach the client before the body exists.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { serve } from '../../src/server/server.ts';
import type { App } from '../../src/types.ts';
import { RawClient, closeAll, parseResponses, request, sleep, start } from '../helpers.ts';

afterEach(closeAll);

/** The status line node:http itself sends for `code` (no reason given). */
async function nodeStatusLine(code: number): Promise<string> {
  const server = http.createServer((_req, res) => {
    res.statusCode = code;
    res.end('x');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const client = await RawClient.connect((server.address() as AddressInfo).port);
    await client.write(request('GET', '/'));
    const text = await client.until((t) => t.includes('\r\n\r\n'));
    client.close();
    return text.slice(0, text.indexOf('\r\n'));
  } finally {
    server.close();
  }
}

describe('3.1 status codes', () => {
  it.each([700, 701, 800, 999])('sends %i as node:http does', async (code) => {
    const expected = await nodeStatusLine(code);
    const server = await start((_e, sr) => {
      sr(`${code} unknown`, []);
      return ['x'];
    });
    const client = await RawClient.connect(server.port);
    await client.write(request('GET', '/'));
    const [res] = await client.responses(1);
    expect(res!.statusLine).toBe(expected);
    expect(res!.body.toString()).toBe('x');
    client.close();
  });

  it.each(['100 Continue', '101 Switching Protocols', '103 Early Hints'])('answers a final %s with a 500', async (status) => {
    const server = await start((_e, sr) => {
      sr(status, []);
      return [];
    });
    const client = await RawClient.connect(server.port);
    await client.write(request('GET', '/'));
    const [res] = await client.responses(1);
    expect(res!.status).toBe(500);
    client.close();
  });
});

describe('4.6 205 Reset Content', () => {
  it('goes out with Content-Length: 0 and no content, whatever the app gave, and keeps the connection', async () => {
    const server = await start((_e, sr) => {
      sr('205 Reset Content', [['Content-Length', '5'], ['X-Kept', 'yes']]);
      return ['hello'];
    });
    const client = await RawClient.connect(server.port);
    await client.write(request('GET', '/') + request('GET', '/'));
    const responses = await client.responses(2);
    for (const res of responses) {
      expect(res.status).toBe(205);
      expect(res.headers.get('content-length')).toEqual(['0']);
      expect(res.headers.get('x-kept')).toEqual(['yes']);
      expect(res.body.length).toBe(0);
    }
    await sleep(20);
    expect(client.text).not.toContain('hello');
    client.close();
  });
});

describe('3.7 an empty chunk flushes the head', () => {
  it('write("") sends the head before the first byte of the body exists', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const server = await start(async (_e, sr) => {
      const write = sr('200 OK', [['Content-Type', 'text/plain']]);
      await write('');
      await gate;
      return ['late'];
    });
    const client = await RawClient.connect(server.port);
    await client.write(request('GET', '/'));
    const head = await client.until((t) => t.includes('\r\n\r\n'), 2000);
    expect(head).toContain('Transfer-Encoding: chunked');
    release();
    const [res] = await client.responses(1);
    expect(res!.body.toString()).toBe('late');
    client.close();
  });

  it('an empty chunk yielded by the body does the same', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const server = await start((_e, sr) => {
      sr('200 OK', []);
      return (async function* () {
        yield new Uint8Array(0);
        await gate;
        yield 'late';
      })();
    });
    const client = await RawClient.connect(server.port);
    await client.write(request('GET', '/'));
    await client.until((t) => t.includes('\r\n\r\n'), 2000);
    release();
    const [res] = await client.responses(1);
    expect(res!.framing).toBe('chunked');
    expect(res!.body.toString()).toBe('late');
    client.close();
  });

  it('an app Content-Length is kept when the head is flushed', async () => {
    const server = await start(async (_e, sr) => {
      const write = sr('200 OK', [['Content-Length', '4']]);
      await write('');
      await sleep(20);
      await write('late');
      return [];
    });
    const client = await RawClient.connect(server.port);
    await client.write(request('GET', '/'));
    const [res] = await client.responses(1);
    expect(res!.framing).toBe('length');
    expect(res!.body.toString()).toBe('late');
    client.close();
  });

  it('lets a client that waits for the head before it sends its body talk to a streaming echo', async () => {
    // The app answers each uploaded chunk as it comes; the client sends its next chunk only once
    // it has the head and the previous echo. Without the flush, both sides would wait forever.
    const echo: App = (environ, sr) => {
      sr('200 OK', [['Content-Type', 'application/octet-stream']]);
      return (async function* () {
        yield '';
        for await (const chunk of environ['gateway.input']) yield chunk;
      })();
    };
    const server = await start(echo);
    const client = await RawClient.connect(server.port);
    await client.write('POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n');
    await client.until((t) => t.includes('\r\n\r\n'), 2000);
    for (const word of ['ping', 'pong']) {
      await client.write(`4\r\n${word}\r\n`);
      await client.until((t) => t.includes(word), 2000);
    }
    await client.write('0\r\n\r\n');
    const [res] = await client.responses(1);
    expect(res!.body.toString()).toBe('pingpong');
    expect(parseResponses(client.text)).toHaveLength(1);
    client.close();
  });
});

describe('6.6 interim responses', () => {
  const hinted: App = async (environ, sr) => {
    await environ['gateway.informational']?.('103 Early Hints', [['Link', '</a.css>; rel=preload']]);
    await environ['gateway.informational']?.('102 Processing');
    sr('200 OK', []);
    return ['final'];
  };

  it('sends 103 and 102 ahead of the final response, as node:http writeEarlyHints/writeProcessing do', async () => {
    const server = await start(hinted);
    const client = await RawClient.connect(server.port);
    await client.write(request('GET', '/'));
    const [res] = await client.responses(1);
    expect(client.text.startsWith('HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\nHTTP/1.1 102 Processing\r\n\r\nHTTP/1.1 200 OK\r\n')).toBe(true);
    expect(res!.body.toString()).toBe('final');
    client.close();
  });

  it('works on a copy of the environ made by middleware, and says how to call it when detached', async () => {
    // Straight on the server: the validator's own wrapper would stand between.
    let detached: unknown;
    const server = await serve(async (environ, sr) => {
      const copy = { ...environ };
      await copy['gateway.informational']?.('103 Early Hints', [['Link', '</b.js>; rel=preload']]);
      const loose = environ['gateway.informational']!;
      detached = await loose('102 Processing').catch((error: unknown) => error);
      sr('200 OK', []);
      return ['final'];
    }, { host: '127.0.0.1', port: 0, errors: { write() {} } });
    try {
      const client = await RawClient.connect(server.port);
      await client.write(request('GET', '/'));
      await client.responses(1);
      expect(client.text.startsWith('HTTP/1.1 103 Early Hints\r\nLink: </b.js>; rel=preload\r\n\r\nHTTP/1.1 200 OK')).toBe(true);
      expect(String(detached)).toContain("environ['gateway.informational'](status, headers)");
      client.close();
    } finally {
      await server.close();
    }
  });

  it('sends none to an HTTP/1.0 client', async () => {
    const server = await start(hinted);
    const client = await RawClient.connect(server.port);
    await client.write('GET / HTTP/1.0\r\n\r\n');
    const text = await client.waitForEnd();
    expect(text.startsWith('HTTP/1.1 200 OK\r\n')).toBe(true);
  });

  it('refuses 101 and non-1xx statuses: the app fails, the client gets a 500', async () => {
    for (const status of ['101 Switching Protocols', '200 OK']) {
      const server = await start(async (environ, sr) => {
        await environ['gateway.informational']?.(status);
        sr('200 OK', []);
        return ['never'];
      });
      const client = await RawClient.connect(server.port);
      await client.write(request('GET', '/'));
      const [res] = await client.responses(1);
      expect(res!.status).toBe(500);
      client.close();
    }
  });

  it('an app 100 Continue stands for the server one: the client gets a single 100', async () => {
    const server = await start(async (environ, sr) => {
      await environ['gateway.informational']?.('100 Continue');
      for await (const _ of environ['gateway.input']);
      sr('200 OK', []);
      return ['read'];
    });
    const client = await RawClient.connect(server.port);
    await client.write('POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n');
    await client.until((t) => t.includes('100 Continue'));
    await client.write('ok');
    await client.responses(1);
    expect(client.text.match(/100 Continue/g)).toHaveLength(1);
    client.close();
  });
});
