// Observer apps for the "client disconnects mid-stream" scenario. The demo apps give no way to see
// from outside whether a route noticed that its client left, so each framework gets a tiny app of
// its own here, written the way that framework is normally written, that streams forever and notes
// every abort signal the framework offers (node's 'close' events, request.signal, the streaming
// helper's onAbort). `GET /seen?id=…` then reports what was noted, from the process serving it,
// so the scenario works the same whether the observer runs in a child process or in this one.
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { App } from '@gateway-interop/gateway';
import express from 'express';
import type { Express } from 'express';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { Hono } from 'hono';
import { streamText } from 'hono/streaming';
import { addExpressRoutes, addFastifyRoutes, addHonoRoutes, bareRoutes } from './handler-routes.ts';

/** How many ticks a watch streams at most, and how far apart: ~10 s, far beyond any scenario. */
const TICKS = 200;
const TICK_MS = 50;

/** What each watch (by id) has noticed, in this process. */
const noticed = new Map<string, Set<string>>();

function note(id: string, event: string): void {
  let events = noticed.get(id);
  if (events === undefined) noticed.set(id, (events = new Set()));
  events.add(event);
}

/** Sorted, so the order in which callbacks happened to run never makes two runs differ. */
function seen(id: string): string[] {
  return [...(noticed.get(id) ?? [])].sort();
}

export function expressObserver(): Express {
  const app = express();
  app.get('/watch', (req, res) => {
    const id = String(req.query.id ?? '');
    req.on('aborted', () => note(id, "req 'aborted'"));
    req.on('close', () => note(id, "req 'close'"));
    res.on('close', () =>
      note(id, res.writableFinished ? "res 'close' after finish" : "res 'close' before finish"),
    );
    res.type('text/plain');
    let i = 0;
    // res.destroyed is what the Express demo app's /stream loop checks to stop producing.
    const tick = (): void => {
      if (res.destroyed) return note(id, 'producer saw res.destroyed');
      if (++i > TICKS) return void res.end();
      res.write(`tick ${i}\n`);
      setTimeout(tick, TICK_MS);
    };
    tick();
  });
  app.get('/seen', (req, res) => {
    res.json(seen(String(req.query.id ?? '')));
  });
  addExpressRoutes(app);
  return app;
}

/** The Fastify observer at the root, or under `prefix` the Fastify way (a prefixed plugin). */
export function fastifyObserver(prefix = ''): FastifyInstance {
  const root = Fastify();
  void root.register(fastifyObserverRoutes, prefix === '' ? {} : { prefix });
  return root;
}

async function fastifyObserverRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: { id?: string } }>('/watch', async (request, reply) => {
    const id = request.query.id ?? '';
    request.signal.addEventListener('abort', () => note(id, 'request.signal abort'));
    request.raw.on('close', () => note(id, "req 'close'"));
    reply.raw.on('close', () =>
      note(
        id,
        reply.raw.writableFinished ? "res 'close' after finish" : "res 'close' before finish",
      ),
    );
    async function* ticks(): AsyncGenerator<string> {
      try {
        for (let i = 1; i <= TICKS; i++) {
          if (i > 1) await sleep(TICK_MS);
          yield `tick ${i}\n`;
        }
      } finally {
        // Reached early only when Fastify destroys the stream because the client went away.
        note(id, 'stream destroyed');
      }
    }
    return reply.type('text/plain; charset=utf-8').send(Readable.from(ticks()));
  });
  app.get<{ Querystring: { id?: string } }>('/seen', async (request) =>
    seen(request.query.id ?? ''),
  );
  addFastifyRoutes(app);
}

export function honoObserver(): Hono {
  const app = new Hono();
  app.get('/watch', (c) => {
    const id = c.req.query('id') ?? '';
    c.req.raw.signal.addEventListener('abort', () => note(id, 'request.signal abort'));
    return streamText(c, async (stream) => {
      stream.onAbort(() => note(id, 'stream.onAbort'));
      for (let i = 1; i <= TICKS && !stream.aborted; i++) {
        if (i > 1) await stream.sleep(TICK_MS);
        await stream.write(`tick ${i}\n`);
      }
      if (stream.aborted) note(id, 'producer saw stream.aborted');
    });
  });
  app.get('/seen', (c) => c.json(seen(c.req.query('id') ?? '')));
  addHonoRoutes(app);
  return app;
}

/** The bare app's observer: the interface itself, where the abort is `gateway.signal` (SPEC 2.9). */
export const bareObserver: App = (environ, startResponse) => {
  if (environ.PATH_INFO.startsWith('/h/')) return bareRoutes(environ, startResponse);
  const id = new URLSearchParams(environ.QUERY_STRING).get('id') ?? '';
  if (environ.PATH_INFO === '/seen') {
    startResponse('200 OK', [['Content-Type', 'application/json; charset=utf-8']]);
    return [JSON.stringify(seen(id))];
  }
  if (environ.PATH_INFO !== '/watch') {
    startResponse('404 Not Found', [['Content-Type', 'text/plain; charset=utf-8']]);
    return ['not found\n'];
  }
  const signal = environ['gateway.signal'];
  signal.addEventListener('abort', () => note(id, 'gateway.signal abort'));
  startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
  return (async function* () {
    try {
      for (let i = 1; i <= TICKS; i++) {
        if (signal.aborted) return note(id, 'producer saw gateway.signal.aborted');
        if (i > 1) await sleep(TICK_MS);
        yield `tick ${i}\n`;
      }
    } finally {
      note(id, 'body return()');
    }
  })();
};
