// The demo routes written the Fastify way, with no gateway code in them: the same instance runs
// under Fastify's own server (native.ts, `listen`) and under the gateway (the last line), the way a
// Flask app runs under its dev server or any WSGI server. Every demo app answers these routes
// identically.
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { MAX_BINARY_SIZE, pseudoRandomBytes, queryNumber } from '@gateway-interop/demo-kit';
import { fromFastify } from '@gateway-interop/adapters/fastify';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';

type Query = Record<string, string | string[] | undefined>;

/**
 * The routes, as a plugin: `Fastify().register(fastifyRoutes)` is the app below, and
 * `register(fastifyRoutes, { prefix: '/fastify' })` is the same app mounted the Fastify way.
 */
export async function fastifyRoutes(scope: FastifyInstance): Promise<void> {
  scope.get('/hello', async (_request, reply) => {
    return reply.type('text/plain; charset=utf-8').send('Hello world from Fastify!');
  });

  // The request stream is sent back as the reply: nothing is buffered, whatever the size. The route
  // takes the body unparsed, of any type, so it lives in its own scope with a pass-through parser.
  void scope.register(async (echoScope) => {
    echoScope.removeAllContentTypeParsers();
    echoScope.addContentTypeParser('*', (_request, _payload, done) => done(null));
    echoScope.post('/echo', async (request, reply) => {
      return reply
        .header('content-type', request.headers['content-type'] ?? 'application/octet-stream')
        .send(request.raw);
    });
  });

  scope.get<{ Querystring: Query }>('/stream', async (request, reply) => {
    const n = queryNumber(request.query.n, 5, 10_000);
    const ms = queryNumber(request.query.ms, 100, 60_000);
    if (n === undefined || ms === undefined) {
      return reply
        .code(400)
        .type('text/plain; charset=utf-8')
        .send('n and ms must be whole numbers\n');
    }
    async function* chunks(count: number, pause: number): AsyncGenerator<string> {
      for (let i = 1; i <= count; i++) {
        if (i > 1) await sleep(pause);
        yield `chunk ${i}\n`;
      }
    }
    // Fastify pipes a stream to the client as it produces; it stops it if the client goes away.
    return reply.type('text/plain; charset=utf-8').send(Readable.from(chunks(n, ms)));
  });

  scope.get('/cookies', async (_request, reply) => {
    reply.header('set-cookie', 'a=1; Path=/').header('set-cookie', 'b=2; Path=/; HttpOnly');
    return reply.type('text/plain; charset=utf-8').send('two cookies');
  });

  scope.get('/redirect', async (_request, reply) => reply.redirect('/hello'));

  scope.get('/error', async () => {
    throw new Error('boom');
  });

  scope.all('/inspect', async (request) => ({
    framework: 'fastify',
    method: request.method,
    path: request.url.split('?')[0],
    query: request.query,
    headers: request.headers,
    remoteAddress: request.ip,
  }));

  scope.post('/json', async (request) => ({ received: request.body }));

  scope.get<{ Querystring: Query }>('/binary', async (request, reply) => {
    const size = queryNumber(request.query.size, 1024, MAX_BINARY_SIZE);
    const seed = queryNumber(request.query.seed, 1, 0xffffffff);
    if (size === undefined || seed === undefined) {
      return reply
        .code(400)
        .type('text/plain; charset=utf-8')
        .send(`size must be a whole number up to ${MAX_BINARY_SIZE}, seed a whole number\n`);
    }
    const bytes = pseudoRandomBytes(size, seed);
    return reply
      .type('application/octet-stream')
      .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  });
}

export const fastifyApp = Fastify();
void fastifyApp.register(fastifyRoutes);

export const app = fromFastify(fastifyApp);
