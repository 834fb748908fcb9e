// Pins the node:http internals the bridge relies on (see node-internals.ts), so a Node upgrade
// that changes them fails here, by name, rather than somewhere in a framework.
import { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { Writable } from 'node:stream';
import type { HeaderList } from '@gateway-interop/gateway';
import { describe, expect, it } from 'vitest';
import { emitDrain, interceptHead, setRawHeaders } from './node-internals.ts';

function sinkSocket(written: Buffer[], highWaterMark = 16): Socket {
  const socket = new Writable({
    highWaterMark,
    write(chunk: Buffer, _encoding, callback) {
      written.push(chunk);
      setImmediate(callback);
    },
  });
  return socket as unknown as Socket;
}

function response(method = 'GET'): ServerResponse {
  const req = new IncomingMessage(null as unknown as Socket);
  req.method = method;
  req.httpVersionMajor = 1;
  req.httpVersionMinor = 1;
  return new ServerResponse(req);
}

/** A response whose head is intercepted; `heads` gets each head handed over. */
function intercepted(heads: Array<{ status: string; headers: HeaderList }>, method = 'GET'): ServerResponse {
  const res = response(method);
  res.sendDate = false;
  interceptHead(res, { head: (status, headers) => void heads.push({ status, headers }) });
  return res;
}

/** What node's own _storeHeader writes for the same calls, as a header list (its `_header`, parsed). */
function nodeHead(act: (res: ServerResponse) => void, method = 'GET'): HeaderList {
  const res = response(method);
  res.sendDate = false;
  act(res);
  const header = (res as unknown as { _header: string })._header;
  return header
    .split('\r\n')
    .slice(1, -2)
    .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)] as [string, string])
    .filter(([name]) => !/^(connection|transfer-encoding|keep-alive)$/i.test(name));
}

describe('node internals', () => {
  it('_addHeaderLines gives node-joined headers', () => {
    const req = new IncomingMessage(null as unknown as Socket);
    setRawHeaders(req, ['X-A', '1', 'x-a', '2', 'Cookie', 'a=1', 'cookie', 'b=2', 'Host', 'h1', 'host', 'h2']);
    expect(req.headers).toEqual({ 'x-a': '1, 2', cookie: 'a=1; b=2', host: 'h1' });
    expect(req.headersDistinct).toEqual({ 'x-a': ['1', '2'], cookie: ['a=1', 'b=2'], host: ['h1', 'h2'] });
  });

  it('_storeHeader hands over the head and only body bytes reach the socket', async () => {
    const heads: Array<{ status: string; headers: HeaderList }> = [];
    const res = intercepted(heads);
    const written: Buffer[] = [];
    res.assignSocket(sinkSocket(written));
    res.setHeader('X-Test', 'yes');
    res.write('hello ');
    res.end('world');
    await new Promise((resolve) => res.once('finish', resolve));
    expect(heads).toEqual([{ status: '200 OK', headers: [['X-Test', 'yes']] }]);
    expect(res.headersSent).toBe(true);
    expect((res as unknown as { _header: string })._header).toBe('HTTP/1.1 200 OK\r\nX-Test: yes\r\n\r\n');
    expect(Buffer.concat(written).toString()).toBe('hello world');
  });

  it('kOutHeaders is where setHeader keeps the fields: the head lists them as node writes them', () => {
    const acts: Array<(res: ServerResponse) => void> = [
      (res) => res.setHeader('Set-Cookie', ['a=1', 'b=2']).setHeader('Cookie', ['c=1', 'd=2']).end('x'),
      (res) => res.appendHeader('X-List', 'a').appendHeader('x-list', ['b', 'c']).writeHead(201, 'Made', { 'X-More': 1 }).end(),
      (res) => res.writeHead(200, ['X-A', '1', 'x-a', '2']).end(),
      (res) =>
        res
          .writeHead(200, [
            ['X-B', ['1', '2']],
            ['Cookie', ['a', 'b']],
          ] as unknown as string[])
          .end(),
      (res) => res.writeHead(200, { 'Content-Length': 2, 'X-C': 'y' }).end('ab'),
      (res) => res.setHeader('Content-Length', '0').writeHead(204).end(),
      (res) => (res.removeHeader('Content-Length'), res.end('no length')),
      (res) => res.setHeader('X-Late', 'z').flushHeaders(),
    ];
    for (const act of acts) {
      const heads: Array<{ status: string; headers: HeaderList }> = [];
      act(intercepted(heads));
      expect(heads.map((head) => head.headers)).toEqual([nodeHead(act)]);
    }
  });

  it('keeps node’s errors for malformed headers given to writeHead', () => {
    const heads: Array<{ status: string; headers: HeaderList }> = [];
    expect(() => intercepted(heads).writeHead(200, ['X-Odd'])).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => intercepted(heads).writeHead(200, { 'Bad Name': 'x' })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_HTTP_TOKEN' }));
    expect(() => intercepted(heads).writeHead(200, { 'X-Bad': 'a\nb' })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_CHAR' }));
    expect(() => intercepted(heads).setHeader('Trailer', 'X').setHeader('Content-Length', '1').writeHead(200)).toThrow(
      expect.objectContaining({ code: 'ERR_HTTP_TRAILER_INVALID' }),
    );
    expect(heads).toEqual([]);
  });

  it('kNeedDrain is cleared before drain is emitted', () => {
    const res = intercepted([]);
    const written: Buffer[] = [];
    res.assignSocket(sinkSocket(written, 4));
    expect(res.write('more than four bytes')).toBe(false);
    expect(res.writableNeedDrain).toBe(true);
    let drains = 0;
    res.on('drain', () => drains++);
    emitDrain(res);
    expect(drains).toBe(1);
    expect(res.writableNeedDrain).toBe(false);
    emitDrain(res);
    expect(drains).toBe(1);
  });
});
