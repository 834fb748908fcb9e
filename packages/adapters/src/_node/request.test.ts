// The bridged request must be the IncomingMessage node's server would have made from the same
// bytes: same fields, same header joining, and a body streamed lazily from gateway.input.
import { once } from 'node:events';
import http, { IncomingMessage } from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Environ, Input } from '@gateway-interop/gateway';
import { makeEnviron } from '@gateway-interop/gateway/testing';
import { describe, expect, it } from 'vitest';
import { GatewaySocket } from './gateway-socket.ts';
import { createRequest } from './request.ts';

/** A stand-in socket whose writes are taken at once and whose closing nobody minds. */
function socketFor(environ: Environ): GatewaySocket {
  const socket: GatewaySocket = new GatewaySocket(environ, {
    written: (chunk, callback) => process.nextTick(() => socket.taken(chunk.length, callback)),
    socketClosed: () => {},
  });
  return socket;
}

/** An input that records how far it has been read. */
function countingInput(chunks: number, size: number): Input & { pulled: number; returned: boolean } {
  const state = {
    pulled: 0,
    returned: false,
    [Symbol.asyncIterator]() {
      return {
        next: async (): Promise<IteratorResult<Uint8Array>> => {
          if (state.pulled === chunks) return { done: true, value: undefined };
          state.pulled++;
          return { done: false, value: new Uint8Array(size).fill(state.pulled % 256) };
        },
        return: async (): Promise<IteratorResult<Uint8Array>> => {
          state.returned = true;
          return { done: true, value: undefined };
        },
      };
    },
  };
  return state;
}

/** What node's own server makes of `rawRequest`: its headers, distinct headers and raw headers. */
async function nodeParse(rawRequest: string): Promise<Pick<IncomingMessage, 'headers' | 'headersDistinct' | 'rawHeaders'>> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const client = net.connect((server.address() as AddressInfo).port, '127.0.0.1');
    client.write(rawRequest);
    const [req] = (await once(server, 'request')) as [IncomingMessage];
    client.destroy();
    return { headers: req.headers, headersDistinct: req.headersDistinct, rawHeaders: req.rawHeaders };
  } finally {
    server.close();
    server.closeAllConnections();
  }
}

describe('createRequest', () => {
  it('is a real IncomingMessage with the request line and the peer', () => {
    const environ = makeEnviron({
      REQUEST_METHOD: 'PATCH',
      PATH_INFO: '/p q',
      QUERY_STRING: 'a=1',
      REQUEST_URI: '/p%20q?a=1',
      SERVER_PROTOCOL: 'HTTP/1.0',
      SERVER_NAME: '127.0.0.1',
      SERVER_PORT: '8888',
      REMOTE_ADDR: '::1',
      REMOTE_PORT: '51234',
    });
    const { req } = createRequest(environ, socketFor(environ));
    expect(req).toBeInstanceOf(IncomingMessage);
    expect([req.method, req.url, req.httpVersion, req.httpVersionMajor, req.httpVersionMinor]).toEqual(['PATCH', '/p%20q?a=1', '1.0', 1, 0]);
    expect(req.connection).toBe(req.socket);
    expect(req.socket.remoteAddress).toBe('::1');
    expect(req.socket.remotePort).toBe(51234);
    expect(req.socket.remoteFamily).toBe('IPv6');
    expect(req.socket.localAddress).toBe('127.0.0.1');
    expect(req.socket.localPort).toBe(8888);
    expect('encrypted' in req.socket).toBe(false);
  });

  it('marks the socket encrypted for https, as a TLS socket is', () => {
    const environ = makeEnviron({ 'gateway.url_scheme': 'https' });
    const { req } = createRequest(environ, socketFor(environ));
    expect((req.socket as unknown as { encrypted?: boolean }).encrypted).toBe(true);
  });

  it('joins headers exactly as node does', async () => {
    const fields = [
      ['Host', 'example.com'],
      ['X-Multi', 'a'],
      ['x-multi', 'b'],
      ['Cookie', 'a=1'],
      ['cookie', 'b=2'],
      ['Set-Cookie', 's=1'],
      ['Set-Cookie', 's=2'],
      ['User-Agent', 'first'],
      ['User-Agent', 'second'],
      ['Content-Type', 'text/plain'],
      ['content-type', 'text/html'],
      ['Authorization', 'one'],
      ['authorization', 'two'],
      ['Accept', 'text/html'],
      ['accept', 'application/json'],
    ];
    const native = await nodeParse(`GET / HTTP/1.1\r\n${fields.map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n`);
    const environ = makeEnviron({ 'gateway.raw_headers': fields.flat() });
    const { req } = createRequest(environ, socketFor(environ));
    expect(req.rawHeaders).toEqual(native.rawHeaders);
    expect(req.headers).toEqual(native.headers);
    expect(req.headersDistinct).toEqual(native.headersDistinct);
  });

  it('adds Content-Length when the environ has CONTENT_LENGTH but raw headers lack it', () => {
    const environ = makeEnviron({ REQUEST_METHOD: 'POST' }, { body: 'abc' });
    const { req } = createRequest(environ, socketFor(environ));
    expect(req.headers['content-length']).toBe('3');
  });

  it('reads gateway.input only when the body is read, one chunk at a time', async () => {
    const input = countingInput(100, 64 * 1024);
    const environ = makeEnviron({ REQUEST_METHOD: 'POST', CONTENT_LENGTH: String(100 * 64 * 1024), 'gateway.input': input });
    const { req } = createRequest(environ, socketFor(environ));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(input.pulled).toBe(0);

    const first = await new Promise<Buffer>((resolve) => req.once('data', (chunk: Buffer) => (req.pause(), resolve(chunk))));
    expect(first).toBeInstanceOf(Buffer);
    expect(first.length).toBe(64 * 1024);
    await new Promise((resolve) => setTimeout(resolve, 10));
    // Paused: at most the stream's read-ahead has been taken, not the 6.4 MB body.
    expect(input.pulled).toBeLessThanOrEqual(2);

    let total = first.length;
    req.on('data', (chunk: Buffer) => (total += chunk.length));
    req.resume();
    await once(req, 'end');
    expect(total).toBe(100 * 64 * 1024);
    expect(req.complete).toBe(true);
  });

  it('marks a body-less request complete once the handler has run, as node does', async () => {
    const environ = makeEnviron();
    const request = createRequest(environ, socketFor(environ));
    const { req } = request;
    expect(req.complete).toBe(false);
    request.endIfEmpty();
    expect(req.complete).toBe(true);
    req.resume();
    await once(req, 'end');
  });

  it('is destroyed with the error when the body cannot be completed', async () => {
    const input: Input = {
      [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new Error('client went away')) }),
    };
    const environ = makeEnviron({ REQUEST_METHOD: 'POST', CONTENT_LENGTH: '10', 'gateway.input': input });
    const { req } = createRequest(environ, socketFor(environ));
    const events: string[] = [];
    req.on('aborted', () => events.push('aborted'));
    req.on('error', (error) => events.push(`error ${error.message}`));
    req.on('close', () => events.push('close'));
    const closed = new Promise((resolve) => req.once('close', resolve));
    req.resume();
    await closed;
    expect(events).toEqual(['aborted', 'error client went away', 'close']);
  });

  it('stops reading the input when the request is destroyed mid-body', async () => {
    const input = countingInput(100, 1024);
    const environ = makeEnviron({ REQUEST_METHOD: 'POST', CONTENT_LENGTH: String(100 * 1024), 'gateway.input': input });
    const { req } = createRequest(environ, socketFor(environ));
    await new Promise((resolve) => req.once('data', resolve));
    req.destroy();
    await once(req, 'close');
    expect(input.returned).toBe(true);
  });

  it('ends an unread body without reading the input once the response is done', async () => {
    const input = countingInput(3, 10);
    const environ = makeEnviron({ REQUEST_METHOD: 'POST', CONTENT_LENGTH: '30', 'gateway.input': input });
    const request = createRequest(environ, socketFor(environ));
    const { req } = request;
    const events: string[] = [];
    for (const name of ['aborted', 'end', 'close']) req.on(name, () => events.push(name));
    request.dumpIfUnread();
    await once(req, 'close');
    expect(input.pulled).toBe(0);
    expect(events).toEqual(['end', 'close']);
  });
});
