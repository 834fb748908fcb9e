// Both bridges over a real socket, against node:http itself, with a client that waits for the
// response head before it sends its body: a streaming upload answered by a streaming download
// deadlocks unless the head leaves as soon as the app has it (SPEC 3.7, the flush). Also the framing
// node chooses when the app declares `Transfer-Encoding: chunked` or writes before its length is
// known: chunked, no Content-Length, under both servers.
import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@gateway-interop/gateway';
import type { App } from '@gateway-interop/gateway';
import { RawClient } from '@gateway-interop/gateway/testing';
import { validator } from '@gateway-interop/gateway/validate';
import { afterEach, describe, expect, it } from 'vitest';
import { fromFetchHandler } from './fetch-handler.ts';
import { fromNodeHandler } from './node-handler.ts';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function gatewayPort(app: App): Promise<number> {
  const handle = await serve(validator(app), { host: '127.0.0.1', port: 0, errors: { write() {} } });
  closers.push(() => handle.close());
  return handle.port;
}

async function nodePort(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<number> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  return (server.address() as AddressInfo).port;
}

/** Sends a chunked upload one word at a time, each only once the head and the last echo are in. */
async function pingPong(port: number): Promise<string> {
  const client = await RawClient.connect(port);
  try {
    await client.write('POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n');
    await client.waitFor((text) => text.includes('\r\n\r\n'), 2_000);
    for (const word of ['ping', 'pong']) {
      await client.write(`4\r\n${word}\r\n`);
      await client.waitFor((text) => text.includes(word), 2_000);
    }
    await client.write('0\r\n\r\n');
    const text = await client.waitFor((received) => received.endsWith('0\r\n\r\n'), 2_000);
    return text.slice(0, text.indexOf('\r\n'));
  } finally {
    client.close();
  }
}

/** The framing fields of a GET's answer, as the raw head says. */
async function framingOf(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(`${res.headers['transfer-encoding'] ?? '-'} ${res.headers['content-length'] ?? '-'}`));
      })
      .on('error', reject);
  });
}

const nodeEcho = (req: IncomingMessage, res: ServerResponse): void => {
  res.setHeader('Content-Type', 'text/plain');
  res.flushHeaders();
  req.on('data', (chunk: Buffer) => res.write(chunk));
  req.on('end', () => res.end());
};

describe('a client that waits for the head before it sends its body', () => {
  it('node bridge: res.flushHeaders() sends the head at once, as under node:http', async () => {
    expect(await pingPong(await nodePort(nodeEcho))).toBe('HTTP/1.1 200 OK');
    expect(await pingPong(await gatewayPort(fromNodeHandler(nodeEcho)))).toBe('HTTP/1.1 200 OK');
  });

  it('fetch bridge: a streamed body whose first chunk is not there yet sends the head at once', async () => {
    const app = fromFetchHandler((request) => new Response(request.body, { headers: { 'content-type': 'text/plain' } }));
    expect(await pingPong(await gatewayPort(app))).toBe('HTTP/1.1 200 OK');
  });
});

describe("the app's intent for framing", () => {
  const declared = (_req: IncomingMessage, res: ServerResponse): void => {
    res.setHeader('Transfer-Encoding', 'chunked');
    res.end('abc');
  };
  const writeThenEnd = (_req: IncomingMessage, res: ServerResponse): void => {
    res.write('a');
    res.end('bc');
  };

  it.each([
    ['Transfer-Encoding: chunked set by the app', declared],
    ['write() before end()', writeThenEnd],
  ])('node bridge, %s: chunked and no Content-Length, as under node:http', async (_name, handler) => {
    expect(await framingOf(await nodePort(handler))).toBe('chunked -');
    expect(await framingOf(await gatewayPort(fromNodeHandler(handler)))).toBe('chunked -');
  });

  it('node bridge, end(data) alone: Content-Length, as under node:http', async () => {
    const handler = (_req: IncomingMessage, res: ServerResponse): void => void res.end('abc');
    expect(await framingOf(await nodePort(handler))).toBe('- 3');
    expect(await framingOf(await gatewayPort(fromNodeHandler(handler)))).toBe('- 3');
  });
});
