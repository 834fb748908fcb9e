// Pins the node:http internals the bridge relies on (see node-internals.ts), so a Node upgrade
// that changes them fails here, by name, rather than somewhere in a framework.
import { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { Writable, finished } from 'node:stream';
import type { Environ, HeaderList } from '@gateway-interop/gateway';
import { describe, expect, it } from 'vitest';
import { GatewaySocket } from './gateway-socket.ts';
import type { WriteCallback } from './gateway-socket.ts';
import {
  corkSocket,
  emitDrain,
  interceptHead,
  markSocketFailed,
  nodeReadStarted,
  replaceRead,
  setRawHeaders,
  socketCorked,
  socketResponse,
} from './node-internals.ts';

/** A failed pin names the internal and the Node it failed on. */
const gone = (internal: string, consequence: string): string =>
  `Node ${process.version}: ${internal} is not what node-internals.ts expects. ${consequence} See docs/internals.md.`;

/** A stand-in socket whose writes are taken on the next turn, as the bridge's server would. */
function standIn(): GatewaySocket {
  const socket: GatewaySocket = new GatewaySocket({ 'gateway.url_scheme': 'http' } as unknown as Environ, {
    written: (chunk: Buffer, callback: WriteCallback | null) => void setImmediate(() => socket.taken(chunk.length, callback)),
    socketClosed: () => {},
  });
  return socket;
}

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

  it('IncomingMessage#_read marks the request consumed, and an own _read replaces it', () => {
    const req = new IncomingMessage(standIn() as unknown as Socket);
    const state = req as unknown as { _consuming: boolean; _readableState: { readingMore: boolean } };
    expect(state._consuming, gone('IncomingMessage#_consuming', 'The bridged request may not read ahead.')).toBe(false);
    nodeReadStarted(req, 0);
    expect(state._consuming, gone('IncomingMessage#_read', 'The bridged request may not read ahead.')).toBe(true);
    expect(state._readableState.readingMore).toBe(false);
    const sizes: number[] = [];
    const other = new IncomingMessage(standIn() as unknown as Socket);
    replaceRead(other, (size) => void sizes.push(size));
    other.read(0);
    expect(sizes.length, gone('Readable#_read as the source of a request body', 'The bridged request body is never read.')).toBe(1);
  });

  it('assignSocket sets the socket’s _httpMessage', () => {
    const socket = standIn();
    const res = response();
    res.assignSocket(socket as unknown as Socket);
    expect(socketResponse(socket), gone('net.Socket#_httpMessage', 'A response piped into never gets its drain.')).toBe(res);
  });

  it('OutgoingMessage#end sets _writableState.corked on its socket before its last uncork', () => {
    const socket = standIn();
    const res = response();
    res.assignSocket(socket as unknown as Socket);
    corkSocket(socket);
    corkSocket(socket);
    corkSocket(socket);
    res.end('x');
    expect(socketCorked(socket), gone('net.Socket#_writableState.corked', 'The stand-in socket stays corked.')).toBe(0);
  });

  it('no finish for a response whose socket _hadError', async () => {
    const finishes = async (failed: boolean): Promise<number> => {
      const socket = standIn();
      const res = response();
      res.assignSocket(socket as unknown as Socket);
      if (failed) markSocketFailed(socket);
      let count = 0;
      res.on('finish', () => count++);
      res.end('x');
      for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
      return count;
    };
    expect(await finishes(false)).toBe(1);
    expect(await finishes(true), gone('net.Socket#_hadError', 'A response cut short would still emit finish.')).toBe(0);
  });

  it('stream.finished sees the stand-in socket close (its `closed`, or _writableState.closed before that)', async () => {
    const socket = standIn();
    socket.closeNow();
    const seen = await new Promise<string>((resolve) => {
      finished(socket as unknown as Socket, () => resolve('closed'));
      setTimeout(() => resolve('still waiting'), 200);
    });
    expect(seen, gone('stream.finished reading Writable#_writableState.closed', 'A destroyed bridged request may wait forever for its socket.')).toBe('closed');
  });
});
