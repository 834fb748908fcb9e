// Pins the node:http internals the bridge relies on (see node-internals.ts), so a Node upgrade
// that changes them fails here, by name, rather than somewhere in a framework.
import { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { Writable } from 'node:stream';
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

describe('node internals', () => {
  it('_addHeaderLines gives node-joined headers', () => {
    const req = new IncomingMessage(null as unknown as Socket);
    setRawHeaders(req, ['X-A', '1', 'x-a', '2', 'Cookie', 'a=1', 'cookie', 'b=2', 'Host', 'h1', 'host', 'h2']);
    expect(req.headers).toEqual({ 'x-a': '1, 2', cookie: 'a=1; b=2', host: 'h1' });
    expect(req.headersDistinct).toEqual({ 'x-a': ['1', '2'], cookie: ['a=1', 'b=2'], host: ['h1', 'h2'] });
  });

  it('_storeHeader hands over the head and only body bytes reach the socket', async () => {
    const req = new IncomingMessage(null as unknown as Socket);
    req.method = 'GET';
    req.httpVersionMajor = 1;
    req.httpVersionMinor = 1;
    const res = new ServerResponse(req);
    const heads: string[] = [];
    const written: Buffer[] = [];
    interceptHead(res, { head: (head) => void heads.push(head) });
    res.assignSocket(sinkSocket(written));
    res.setHeader('X-Test', 'yes');
    res.write('hello ');
    res.end('world');
    await new Promise((resolve) => res.once('finish', resolve));
    expect(heads).toHaveLength(1);
    expect(heads[0]).toMatch(/^HTTP\/1\.1 200 OK\r\nX-Test: yes\r\n.*Transfer-Encoding: chunked\r\n\r\n$/s);
    expect(Buffer.concat(written).toString()).toBe('hello world');
  });

  it('kNeedDrain is cleared before drain is emitted', () => {
    const req = new IncomingMessage(null as unknown as Socket);
    req.method = 'GET';
    const res = new ServerResponse(req);
    const written: Buffer[] = [];
    interceptHead(res, { head: () => {} });
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
