// Fastify through the node bridge, entered by `routing(req, res)` after `ready()`: what a Fastify
// app does under its own server it must do here too, in-process (through the validator) and on a
// real socket, compared in the last test with the same app under `listen()`.
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { serve } from '@gateway-interop/gateway';
import type { ServeHandle } from '@gateway-interop/gateway';
import { callApp, makeEnviron } from '@gateway-interop/gateway/testing';
import { validator } from '@gateway-interop/gateway/validate';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fieldValues, send } from '@gateway-interop/gateway/testing';
import type { WireRequest, WireResponse } from '@gateway-interop/gateway/testing';
import { fromFastify } from './fastify.ts';

const binary = randomBytes(256 * 1024);
const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** What the server side saw of the last request to /slow. */
const slow = { events: [] as string[], closed: Promise.resolve() };

function buildApp(): FastifyInstance {
  const app = Fastify();
  app.get('/hello', async (_request, reply) => {
    return reply.type('text/plain; charset=utf-8').send('Hello world from Fastify!');
  });
  app.get('/teapot', async (_request, reply) => reply.code(418).send('short and stout'));
  app.get('/cookies', async (_request, reply) => {
    reply.header('X-Multi', ['a', 'b']);
    reply.header('Set-Cookie', 'a=1; Path=/').header('Set-Cookie', 'b=2; Path=/; HttpOnly');
    return 'two cookies';
  });
  app.get('/redirect', async (_request, reply) => reply.redirect('/hello'));
  app.get<{ Querystring: { n?: string; ms?: string } }>('/stream', async (request, reply) => {
    const n = Number(request.query.n ?? 3);
    const ms = Number(request.query.ms ?? 50);
    async function* chunks(): AsyncGenerator<string> {
      for (let i = 0; i < n; i++) {
        yield `chunk ${i}\n`;
        await sleep(ms);
      }
    }
    return reply.type('text/plain').send(Readable.from(chunks()));
  });
  app.get('/binary', async (_request, reply) => reply.type('application/octet-stream').send(binary));
  // The echo route streams the body through, so it takes it unparsed, whatever its type.
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null));
    scope.post('/echo', async (request, reply) => {
      return reply.type(request.headers['content-type'] ?? 'application/octet-stream').send(request.raw);
    });
  });
  app.post('/json', async (request) => ({ received: request.body }));
  app.get('/error', async () => {
    throw new Error('boom');
  });
  app.all('/inspect', async (request) => ({
    method: request.method,
    url: request.url,
    query: request.query,
    ip: request.ip,
    protocol: request.protocol,
    hostname: request.hostname,
    cookie: request.headers.cookie,
    multi: request.headers['x-multi'],
  }));
  app.get('/slow', async (request, reply) => {
    const req = request.raw;
    slow.events = [];
    slow.closed = new Promise((resolve) => req.on('close', resolve));
    req.on('aborted', () => slow.events.push('req aborted'));
    req.on('close', () => slow.events.push('req close'));
    reply.raw.on('close', () => slow.events.push('res close'));
    let timer: NodeJS.Timeout | undefined;
    const body = new Readable({
      read() {
        timer ??= setInterval(() => this.push('more'), 20);
      },
      destroy(error, callback) {
        clearInterval(timer);
        callback(error);
      },
    });
    body.push('first');
    return reply.send(body);
  });
  return app;
}

const fastify = buildApp();
const app = validator(fromFastify(fastify));
afterAll(() => fastify.close());

describe('fromFastify, in process', () => {
  it('answers with status, type and body', async () => {
    const result = await callApp(app, { PATH_INFO: '/hello' });
    expect(result.status).toBe('200 OK');
    expect(result.headers).toContainEqual(['content-type', 'text/plain; charset=utf-8']);
    expect(result.text).toBe('Hello world from Fastify!');
  });

  it('readies the instance once for many requests', async () => {
    const results = await Promise.all([1, 2, 3].map(() => callApp(fromFastify(fastify), { PATH_INFO: '/hello' })));
    expect(results.map((result) => result.statusCode)).toEqual([200, 200, 200]);
  });

  it('routes in the same call once ready, so a reply sent at once reaches the server whole', async () => {
    const direct = fromFastify(fastify);
    await callApp(direct, { PATH_INFO: '/hello' }); // the first request waits for ready()
    const body = direct(makeEnviron({ PATH_INFO: '/hello' }), () => async () => {});
    expect(Array.isArray(body)).toBe(true);
    expect(Buffer.concat(body as Buffer[]).toString()).toBe('Hello world from Fastify!');
  });

  it('keeps a custom status', async () => {
    expect((await callApp(app, { PATH_INFO: '/teapot' })).status).toBe("418 I'm a Teapot");
  });

  it('keeps repeated fields and two cookies as two fields', async () => {
    const result = await callApp(app, { PATH_INFO: '/cookies' });
    expect(result.headers.filter(([name]) => name === 'set-cookie')).toEqual([
      ['set-cookie', 'a=1; Path=/'],
      ['set-cookie', 'b=2; Path=/; HttpOnly'],
    ]);
    expect(result.headers.filter(([name]) => name === 'x-multi')).toEqual([
      ['x-multi', 'a'],
      ['x-multi', 'b'],
    ]);
  });

  it('redirects with reply.redirect', async () => {
    const result = await callApp(app, { PATH_INFO: '/redirect' });
    expect(result.status).toBe('302 Found');
    expect(result.headers).toContainEqual(['location', '/hello']);
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
    expect(result.headers).toContainEqual(['content-type', 'image/png']);
    expect(sha256(result.body)).toBe(sha256(body));
  });

  it("parses JSON with Fastify's own parser", async () => {
    const result = await callApp(
      app,
      { REQUEST_METHOD: 'POST', PATH_INFO: '/json' },
      { body: '{"a":[1,2],"b":"é"}', headers: { 'Content-Type': 'application/json' } },
    );
    expect(JSON.parse(result.text)).toEqual({ received: { a: [1, 2], b: 'é' } });
  });

  it("answers HEAD through Fastify's automatic HEAD route", async () => {
    const result = await callApp(app, { REQUEST_METHOD: 'HEAD', PATH_INFO: '/hello' });
    expect(result.status).toBe('200 OK');
    expect(result.headers).toContainEqual(['content-length', '25']);
    expect(result.body).toHaveLength(0);
  });

  it("reports a thrown error through Fastify's own error handler", async () => {
    const result = await callApp(app, { PATH_INFO: '/error' });
    expect(result.status).toBe('500 Internal Server Error');
    expect(JSON.parse(result.text)).toEqual({ statusCode: 500, error: 'Internal Server Error', message: 'boom' });
  });

  it('shows the request as Fastify sees it: peer, scheme, headers, query', async () => {
    const result = await callApp(app, {
      REQUEST_METHOD: 'PUT',
      PATH_INFO: '/inspect',
      QUERY_STRING: 'x=1&y=%C3%A9',
      REMOTE_ADDR: '10.1.2.3',
      'gateway.url_scheme': 'https',
      'gateway.raw_headers': ['Host', 'example.com', 'Cookie', 'a=1', 'Cookie', 'b=2', 'X-Multi', '1', 'x-multi', '2'],
    });
    expect(JSON.parse(result.text)).toEqual({
      method: 'PUT',
      url: '/inspect?x=1&y=%C3%A9',
      query: { x: '1', y: 'é' },
      ip: '10.1.2.3',
      protocol: 'https',
      hostname: 'example.com',
      cookie: 'a=1; b=2',
      multi: '1, 2',
    });
  });

  it('answers 500 on every request when the instance fails to get ready', async () => {
    const broken = Fastify();
    void broken.register(async () => {
      throw new Error('plugin failed');
    });
    const brokenApp = fromFastify(broken);
    await expect(callApp(brokenApp, { PATH_INFO: '/' })).rejects.toThrow('plugin failed');
    await expect(callApp(brokenApp, { PATH_INFO: '/' })).rejects.toThrow('plugin failed');
  });
});

describe('fromFastify, on a socket', () => {
  let gateway: ServeHandle;
  beforeAll(async () => {
    gateway = await serve(app, { host: '127.0.0.1', port: 0 });
  });
  afterAll(() => gateway.close());

  it('streams chunks as they are produced', async () => {
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

  it("answers as Fastify's own server does, up to the fields the server owns", async () => {
    const native = buildApp();
    const nativeUrl = await native.listen({ host: '127.0.0.1', port: 0 });
    const serverOwned = /^(date|connection|keep-alive|transfer-encoding|server)$/i;
    const comparable = (response: WireResponse) => ({
      status: response.status,
      reason: response.reason,
      headers: response.headers.filter(([name]) => !serverOwned.test(name)),
      body: response.body.toString('latin1'),
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
      await native.close();
    }
  });

  it('answers HEAD with the fields of GET on the wire', async () => {
    const [head, get] = [await send(gateway.url, { method: 'HEAD', path: '/hello' }), await send(gateway.url, { path: '/hello' })];
    expect(head.status).toBe(200);
    expect(fieldValues(head, 'content-length')).toEqual(fieldValues(get, 'content-length'));
    expect(head.body).toHaveLength(0);
  });
});
