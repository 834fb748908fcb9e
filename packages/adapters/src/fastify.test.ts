// Fastify through the node bridge, entered by `routing(req, res)` after `ready()`: the shared
// framework suite (test/framework-suite.ts) over the routes below, written the Fastify way, with
// `listen()` as Fastify's own server; then what only Fastify has, its `ready()`.
import { Readable } from 'node:stream';
import { callApp, makeEnviron } from '@gateway-interop/gateway/testing';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { BINARY, GONE, addFrameworkTests, sleep } from '../test/framework-suite.ts';
import { fromFastify } from './fastify.ts';

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
  app.get('/binary', async (_request, reply) => reply.type('application/octet-stream').send(BINARY));
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
    GONE.start();
    req.on('aborted', () => GONE.events.push('req aborted'));
    req.on('close', () => GONE.events.push('req close'));
    reply.raw.on('close', () => GONE.events.push('res close'));
    req.on('close', () => GONE.finish());
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

addFrameworkTests<FastifyInstance>({
  name: 'Fastify',
  bridge: 'fromFastify',
  build: buildApp,
  toApp: fromFastify,
  async listen(app) {
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    return { url, close: () => app.close() };
  },
  dispose: (app) => app.close(),
  fieldNames: 'lower-case',
  helloType: 'text/plain; charset=utf-8',
  repeatedFields: 'kept',
  headLength: 'kept',
  redirectText: '',
  errorPage: { json: { statusCode: 500, error: 'Internal Server Error', message: 'boom' } },
  logsErrors: false,
  inspectLocation: { url: '/inspect?x=1&y=%C3%A9' },
  mountedLocation: { url: '/inspect' },
  goneEvents: ['req aborted', 'res close', 'req close'],
});

describe('fromFastify and ready()', () => {
  const fastify = buildApp();
  afterAll(() => fastify.close());

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
