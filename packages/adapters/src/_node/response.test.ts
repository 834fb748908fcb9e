// The bridged response must behave as node's ServerResponse does for the handler, while its head
// goes to startResponse and its bytes stream out unbuffered and unframed.
import { createHash, randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { callApp } from '@gateway-interop/gateway/testing';
import { validator } from '@gateway-interop/gateway/validate';
import { describe, expect, it } from 'vitest';
import { nodeBridge } from './bridge.ts';
import type { NodeHandler } from './bridge.ts';
import { nextChunk, readRest, start, tick } from './bridge-harness.ts';

const call = (handler: NodeHandler, ...rest: Parameters<typeof callApp> extends [unknown, ...infer R] ? R : never) =>
  callApp(validator(nodeBridge(handler)), ...rest);

describe('the head', () => {
  it('takes writeHead with a headers object', async () => {
    const result = await call((_req, res) => {
      res.writeHead(201, { 'Content-Type': 'text/plain', 'X-Count': 2 }).end('made');
    });
    expect(result.status).toBe('201 Created');
    // No Content-Length: the head was fixed before end(data), so node would have chunked it.
    expect(result.headers).toEqual([
      ['Content-Type', 'text/plain'],
      ['X-Count', '2'],
    ]);
    expect(result.text).toBe('made');
  });

  it('takes writeHead with a reason phrase and [name, value] pairs', async () => {
    const result = await call((_req, res) => {
      res.writeHead(200, 'Fine Thanks', [
        ['Set-Cookie', 'a=1'],
        ['Set-Cookie', 'b=2'],
      ]);
      res.end();
    });
    expect(result.status).toBe('200 Fine Thanks');
    expect(result.headers.filter(([name]) => name === 'Set-Cookie')).toEqual([
      ['Set-Cookie', 'a=1'],
      ['Set-Cookie', 'b=2'],
    ]);
  });

  it('takes writeHead with a flat raw list, repeats kept', async () => {
    const result = await call((_req, res) => {
      res.writeHead(200, ['X-A', '1', 'x-a', '2']).end();
    });
    expect(result.headers.filter(([name]) => name.toLowerCase() === 'x-a')).toEqual([
      ['X-A', '1'],
      ['x-a', '2'],
    ]);
  });

  it('keeps the header methods of ServerResponse', async () => {
    const seen: unknown[] = [];
    const result = await call((_req, res) => {
      res.setHeader('X-One', '1');
      res.setHeader('Set-Cookie', ['a=1; Path=/', 'b=2; Path=/; HttpOnly']);
      res.appendHeader('X-List', 'a').appendHeader('X-List', 'b');
      res.setHeader('X-Gone', 'x');
      res.removeHeader('X-Gone');
      seen.push(res.getHeader('x-one'), res.hasHeader('X-GONE'), res.getHeaderNames(), res.getHeaders()['x-list']);
      res.statusCode = 202;
      res.statusMessage = 'Taken';
      res.end();
    });
    expect(seen).toEqual(['1', false, ['x-one', 'set-cookie', 'x-list'], ['a', 'b']]);
    expect(result.status).toBe('202 Taken');
    expect(result.headers).toEqual([
      ['X-One', '1'],
      ['Set-Cookie', 'a=1; Path=/'],
      ['Set-Cookie', 'b=2; Path=/; HttpOnly'],
      ['X-List', 'a'],
      ['X-List', 'b'],
      ['Content-Length', '0'],
    ]);
  });

  it('drops hop-by-hop fields the handler sets, and node adds no Date', async () => {
    const result = await call((_req, res) => {
      res.setHeader('Connection', 'close');
      res.setHeader('Keep-Alive', 'timeout=5');
      res.setHeader('Transfer-Encoding', 'chunked');
      res.write('a');
      res.end('b');
    });
    expect(result.headers).toEqual([]);
    // No chunk framing: the server frames the body itself.
    expect(result.text).toBe('ab');
  });

  it('adds Content-Length for end(data), as node does', async () => {
    const result = await call((_req, res) => res.end(Buffer.from('héllo')));
    expect(result.headers).toEqual([['Content-Length', '6']]);
  });

  it('sends the head on flushHeaders, before the body ends', async () => {
    let finish = (): void => {};
    const started = await start(
      nodeBridge((_req, res) => {
        res.setHeader('Content-Type', 'text/plain');
        res.flushHeaders();
        finish = () => res.end('late');
      }),
    );
    expect(started.status).toBe('200 OK');
    expect(started.headers).toEqual([['Content-Type', 'text/plain']]);
    finish();
    expect((await readRest(started.iterator)).toString()).toBe('late');
  });
});

describe('the body', () => {
  it('streams: the first chunk is out before end() is called', async () => {
    let release = (): void => {};
    const started = await start(
      nodeBridge((_req, res) => {
        res.write('first ');
        release = () => res.end('last');
      }),
    );
    expect((await nextChunk(started.iterator))?.toString()).toBe('first ');
    release();
    expect((await readRest(started.iterator)).toString()).toBe('last');
  });

  it('is binary-safe, strings in any encoding included', async () => {
    const bytes = randomBytes(1 << 20);
    const result = await call((_req, res) => {
      for (let i = 0; i < bytes.length; i += 10_000) res.write(bytes.subarray(i, i + 10_000));
      res.write('ff00', 'hex');
      res.end('é', 'latin1');
    });
    const expected = Buffer.concat([bytes, Buffer.from([0xff, 0x00, 0xe9])]);
    const digest = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');
    expect(digest(result.body)).toBe(digest(expected));
  });

  it('applies backpressure: write() returns false, and drain comes when the server took the bytes', async () => {
    const log: string[] = [];
    let res: ServerResponse | undefined;
    const started = await start(
      nodeBridge((_req, response) => {
        res = response;
        log.push(`write ${response.write(Buffer.alloc(64 * 1024))}`);
        response.on('drain', () => log.push('drain'));
      }),
    );
    await tick(10);
    expect(log).toEqual(['write false']);
    expect(res?.writableNeedDrain).toBe(true);
    expect((await nextChunk(started.iterator))?.length).toBe(64 * 1024);
    await tick(10);
    expect(log).toEqual(['write false']); // handed out, not yet taken
    const rest = started.iterator.next(); // the server comes back: the chunk is taken
    await tick(10);
    expect(log).toEqual(['write false', 'drain']);
    expect(res?.writableNeedDrain).toBe(false);
    res?.end();
    expect(await rest).toEqual({ done: true, value: undefined });
  });

  it('sends no body for HEAD, but keeps the fields', async () => {
    const result = await call(
      (_req, res) => {
        res.setHeader('Content-Length', '5');
        res.end('hello');
      },
      { REQUEST_METHOD: 'HEAD' },
    );
    expect(result.headers).toEqual([['Content-Length', '5']]);
    expect(result.body).toHaveLength(0);
  });

  it('sends no body for 204', async () => {
    const result = await call((_req, res) => {
      res.statusCode = 204;
      res.end('ignored');
    });
    expect(result.status).toBe('204 No Content');
    expect(result.body).toHaveLength(0);
  });

  it('keeps cork() and uncork() working', async () => {
    const result = await call((_req, res) => {
      res.cork();
      res.write('a');
      res.write('b');
      res.uncork();
      res.end();
    });
    expect(result.text).toBe('ab');
  });
});

describe('the response object', () => {
  it('reports its state and emits finish, then close', async () => {
    const seen: unknown[] = [];
    let done = (): void => {};
    const closed = new Promise<void>((resolve) => (done = resolve));
    const result = await call((req, res) => {
      seen.push(res.req === req, res.headersSent, res.setTimeout(1000) === res);
      res.on('finish', () => seen.push(`finish ended=${res.writableEnded} finished=${res.writableFinished}`));
      res.on('close', () => (seen.push('close'), done()));
      res.end('x', () => seen.push('end callback'));
      seen.push(res.headersSent, res.writableEnded, res.finished);
    });
    await closed;
    expect(result.text).toBe('x');
    expect(seen).toEqual([true, false, true, true, true, true, 'finish ended=true finished=true', 'end callback', 'close']);
  });
});
