// Express through the node bridge: what an Express app does under its own server it must do here
// too, in-process (through the validator) and on a real socket, and byte for byte where the
// protocol allows, which the last test checks against `http.createServer(app)`.
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@gateway-interop/gateway';
import type { ServeHandle } from '@gateway-interop/gateway';
import { callApp } from '@gateway-interop/gateway/testing';
import { validator } from '@gateway-interop/gateway/validate';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fieldValues, send } from '@gateway-interop/gateway/testing';
import type { WireRequest, WireResponse } from '@gateway-interop/gateway/testing';
import { fromExpress } from './express.ts';

const binary = randomBytes(256 * 1024);
const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** What the server side saw of the last request to /slow. */
const slow = { events: [] as string[], closed: Promise.resolve() };

function buildApp(): express.Express {
  const app = express();
  app.get('/hello', (_req, res) => {
    res.type('text/plain').send('Hello world from Express!');
  });
  app.get('/teapot', (_req, res) => {
    res.status(418).send('short and stout');
  });
  app.get('/cookies', (_req, res) => {
    res.append('X-Multi', 'a').append('X-Multi', 'b');
    res.cookie('a', '1').cookie('b', '2', { httpOnly: true }).send('two cookies');
  });
  app.get('/redirect', (_req, res) => {
    res.redirect('/hello');
  });
  app.get('/stream', async (req, res) => {
    res.type('text/plain');
    for (let i = 0; i < Number(req.query.n ?? 3); i++) {
      res.write(`chunk ${i}\n`);
      await sleep(Number(req.query.ms ?? 50));
    }
    res.end();
  });
  app.get('/binary', (_req, res) => {
    res.type('application/octet-stream').send(binary);
  });
  app.post('/echo', (req, res) => {
    res.type(req.get('content-type') ?? 'application/octet-stream');
    req.pipe(res);
  });
  app.post('/json', express.json(), (req, res) => {
    res.json({ received: req.body as unknown });
  });
  app.get('/error', () => {
    throw new Error('boom');
  });
  app.all('/inspect', (req, res) => {
    res.json({
      method: req.method,
      path: req.path,
      query: req.query,
      ip: req.ip,
      protocol: req.protocol,
      hostname: req.hostname,
      cookie: req.headers.cookie,
      multi: req.headers['x-multi'],
    });
  });
  app.get('/slow', (req, res) => {
    slow.events = [];
    slow.closed = new Promise((resolve) => req.on('close', resolve));
    req.on('aborted', () => slow.events.push('req aborted'));
    req.on('close', () => slow.events.push('req close'));
    res.on('close', () => slow.events.push('res close'));
    res.write('first');
    const timer = setInterval(() => res.write('more'), 20);
    res.on('close', () => clearInterval(timer));
  });
  return app;
}

const app = validator(fromExpress(buildApp()));

describe('fromExpress, in process', () => {
  it('answers with status, type and body', async () => {
    const result = await callApp(app, { PATH_INFO: '/hello' });
    expect(result.status).toBe('200 OK');
    expect(result.headers).toContainEqual(['Content-Type', 'text/plain; charset=utf-8']);
    expect(result.text).toBe('Hello world from Express!');
  });

  it('keeps a custom status', async () => {
    expect((await callApp(app, { PATH_INFO: '/teapot' })).status).toBe("418 I'm a Teapot");
  });

  it('keeps repeated fields and two cookies as two fields', async () => {
    const result = await callApp(app, { PATH_INFO: '/cookies' });
    expect(result.headers.filter(([name]) => name === 'Set-Cookie')).toEqual([
      ['Set-Cookie', 'a=1; Path=/'],
      ['Set-Cookie', 'b=2; Path=/; HttpOnly'],
    ]);
    expect(result.headers.filter(([name]) => name === 'X-Multi')).toEqual([
      ['X-Multi', 'a'],
      ['X-Multi', 'b'],
    ]);
  });

  it('redirects with res.redirect', async () => {
    const result = await callApp(app, { PATH_INFO: '/redirect' }, { headers: { Accept: 'text/plain' } });
    expect(result.status).toBe('302 Found');
    expect(result.headers).toContainEqual(['Location', '/hello']);
    expect(result.text).toBe('Found. Redirecting to /hello');
  });

  it('sends binary bytes untouched', async () => {
    expect(sha256((await callApp(app, { PATH_INFO: '/binary' })).body)).toBe(sha256(binary));
  });

  it('echoes a posted body', async () => {
    const body = randomBytes(100_000);
    const result = await callApp(
      app,
      { REQUEST_METHOD: 'POST', PATH_INFO: '/echo' },
      { body, headers: { 'Content-Type': 'image/png' } },
    );
    expect(result.headers).toContainEqual(['Content-Type', 'image/png']);
    expect(sha256(result.body)).toBe(sha256(body));
  });

  it("parses JSON with Express's own parser", async () => {
    const result = await callApp(
      app,
      { REQUEST_METHOD: 'POST', PATH_INFO: '/json' },
      { body: '{"a":[1,2],"b":"é"}', headers: { 'Content-Type': 'application/json' } },
    );
    expect(JSON.parse(result.text)).toEqual({ received: { a: [1, 2], b: 'é' } });
  });

  it('answers HEAD with the fields of GET and no body', async () => {
    const result = await callApp(app, { REQUEST_METHOD: 'HEAD', PATH_INFO: '/hello' });
    expect(result.status).toBe('200 OK');
    expect(result.headers).toContainEqual(['Content-Length', '25']);
    expect(result.body).toHaveLength(0);
  });

  it("shows a thrown error through Express's own error page", async () => {
    const result = await callApp(app, { PATH_INFO: '/error' });
    expect(result.status).toBe('500 Internal Server Error');
    expect(result.headers).toContainEqual(['Content-Type', 'text/html; charset=utf-8']);
    expect(result.text).toContain('Error: boom');
  });

  it('shows the request as Express sees it: peer, scheme, headers, query', async () => {
    const result = await callApp(
      app,
      {
        REQUEST_METHOD: 'PUT',
        PATH_INFO: '/inspect',
        QUERY_STRING: 'x=1&y=%C3%A9',
        REMOTE_ADDR: '10.1.2.3',
        'gateway.url_scheme': 'https',
        'gateway.raw_headers': ['Host', 'example.com', 'Cookie', 'a=1', 'Cookie', 'b=2', 'X-Multi', '1', 'x-multi', '2'],
      },
    );
    expect(JSON.parse(result.text)).toEqual({
      method: 'PUT',
      path: '/inspect',
      query: { x: '1', y: 'é' },
      ip: '10.1.2.3',
      protocol: 'https',
      hostname: 'example.com',
      cookie: 'a=1; b=2',
      multi: '1, 2',
    });
  });

  it('routes below a mount point (SCRIPT_NAME)', async () => {
    const result = await callApp(app, { SCRIPT_NAME: '/express', PATH_INFO: '/inspect', REQUEST_URI: '/express/inspect' });
    expect(JSON.parse(result.text)).toMatchObject({ path: '/inspect' });
  });
});

describe('fromExpress, on a socket', () => {
  let gateway: ServeHandle;
  beforeAll(async () => {
    gateway = await serve(app, { host: '127.0.0.1', port: 0 });
  });
  afterAll(() => gateway.close());

  it('streams chunks as they are written', async () => {
    const response = await send(gateway.url, { path: '/stream?n=3&ms=100' });
    expect(response.body.toString()).toBe('chunk 0\nchunk 1\nchunk 2\n');
    expect(response.arrivals.length).toBeGreaterThanOrEqual(3);
    expect(response.arrivals.at(-1)! - response.arrivals[0]!).toBeGreaterThan(150);
  });

  it('echoes 50 MB without holding it: the answer starts before the upload ends', async () => {
    const chunk = randomBytes(64 * 1024);
    const count = 800; // 50 MiB
    async function* upload(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < count; i++) yield chunk;
    }
    const response = await send(gateway.url, {
      method: 'POST',
      path: '/echo',
      headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(count * chunk.length) },
      body: upload(),
    });
    expect(response.body.length).toBe(count * chunk.length);
    expect(sha256(response.body)).toBe(sha256(Buffer.concat(Array.from({ length: count }, () => chunk))));
    expect(response.arrivals[0]).toBeLessThan(response.uploaded);
  });

  it('tells the app when the client goes away: aborted, then close', async () => {
    await send(gateway.url, { path: '/slow', abortAfterBytes: 5 });
    await slow.closed;
    expect(slow.events).toEqual(['req aborted', 'res close', 'req close']);
  });

  it("answers as Express's own server does, up to the fields the server owns", async () => {
    const native = http.createServer(buildApp());
    await new Promise<void>((resolve) => native.listen(0, '127.0.0.1', resolve));
    const nativeUrl = `http://127.0.0.1:${(native.address() as AddressInfo).port}`;
    const serverOwned = /^(date|connection|keep-alive|transfer-encoding|server|etag)$/i;
    const comparable = (response: WireResponse) => ({
      status: response.status,
      reason: response.reason,
      headers: response.headers.filter(([name]) => !serverOwned.test(name)),
      body: response.body.toString('latin1').replace(/\n\s+at [^\n]*/g, ''),
    });
    try {
      const requests: WireRequest[] = [
        { path: '/hello' },
        { path: '/teapot' },
        { path: '/cookies' },
        { path: '/redirect' },
        { path: '/missing%20page' },
        { path: '/error' },
        { path: '/binary' },
        { path: '/inspect?a=1&a=2', headers: { Cookie: ['a=1', 'b=2'], Host: 'example.com' } },
        { path: '/json', method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"x":[1]}' },
        { path: '/json', method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{bad' },
      ];
      for (const request of requests) {
        const [mine, theirs] = [await send(gateway.url, request), await send(nativeUrl, request)];
        expect(comparable(mine), `${request.method ?? 'GET'} ${request.path}`).toEqual(comparable(theirs));
      }
    } finally {
      native.close();
    }
  });

  it('answers HEAD with the fields of GET on the wire', async () => {
    const [head, get] = [await send(gateway.url, { method: 'HEAD', path: '/hello' }), await send(gateway.url, { path: '/hello' })];
    expect(head.status).toBe(200);
    expect(fieldValues(head, 'content-length')).toEqual(fieldValues(get, 'content-length'));
    expect(head.body).toHaveLength(0);
  });

  it('keeps the two cookies apart on the wire', async () => {
    const response = await send(gateway.url, { path: '/cookies' });
    expect(fieldValues(response, 'set-cookie')).toEqual(['a=1; Path=/', 'b=2; Path=/; HttpOnly']);
  });
});
