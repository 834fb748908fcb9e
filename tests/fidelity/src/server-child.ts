// Serves one demo app, and its observer app (observers.ts), in a process of their own:
// `node --import tsx src/server-child.ts <express|fastify|hono|bare> <native|gateway|node|fetch> [root|mounted]`.
//   mounted: the app at `/<name>`, mounted the framework's own way on the native side
//            (`express().use`, a Fastify plugin `prefix`, Hono's `app.route`) and by the
//            gateway's `mount()` on the other; the URLs handed back carry the prefix.
//   native:  as the app's src/native.ts does it (expressApp.listen, fastifyApp.listen,
//            @hono/node-server's serve);
//   gateway: as `gateway serve` does it, `serve(app)` on node:net, with the app wrapped in the
//            validator and the server's error stream kept for the parent to collect;
//   node, fetch: the same validated (and mounted) gateway callable under node:http through
//            toNodeHandler, or @hono/node-server through toFetchHandler (adapters' serveWith),
//            the other servers of the matrix; the app's error stream is kept the same way.
//
// Why child processes, and both sides alike:
// - @hono/node-server's serve() replaces the global Request and Response with its own classes
//   (overrideGlobalObjects); in a shared process it would silently change what the gateway side
//   runs, and the comparison would no longer be with the app as deployed under the gateway.
// - The app modules export one Fastify instance; each process gets its own.
// - Both sides load the apps' TypeScript the same way (tsx, as `gateway serve` and `start:native`
//   do). Loaded by vitest's transform instead, functions get other names in stack traces, and
//   Express's development error page, which prints the stack, would differ for that reason alone.
//
// Talks to its parent over IPC: sends {url, observerUrl} once listening; answers 'take-errors'
// with what reached the gateway's error stream since the last time. Exits on SIGTERM or when the
// parent goes away (the IPC channel closes), so no server outlives the suite.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fromExpress } from '@gateway-interop/adapters/express';
import { fromFastify } from '@gateway-interop/adapters/fastify';
import { fromHono } from '@gateway-interop/adapters/hono';
import { serveWith } from '@gateway-interop/adapters/servers';
import { mount, serve as serveGateway } from '@gateway-interop/gateway';
import type { App } from '@gateway-interop/gateway';
import { validator } from '@gateway-interop/gateway/validate';
import express from 'express';
import type { Express } from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { bareObserver, expressObserver, fastifyObserver, honoObserver } from './observers.ts';

export interface ChildReady {
  url: string;
  observerUrl: string;
}
export type ChildRequest = { type: 'take-errors'; id: number };
export type ChildReply = { type: 'errors'; id: number; errors: string[] };

const HOST = '127.0.0.1';

interface Listening {
  url: string;
  stop(): Promise<void>;
}

function listenExpress(app: Express): Promise<Listening> {
  return new Promise((resolve, reject) => {
    const server: Server = app.listen(0, HOST, (error?: Error) => {
      if (error) return reject(error);
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://${HOST}:${port}`,
        stop: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}

async function serveHono(
  fetch: (request: Request) => Response | Promise<Response>,
): Promise<Listening> {
  // Imported only here: loading @hono/node-server is harmless, but serve() swaps the globals.
  const { serve } = await import('@hono/node-server');
  return new Promise((resolve) => {
    const server = serve({ fetch, port: 0, hostname: HOST }, (info) => {
      resolve({
        url: `http://${HOST}:${info.port}`,
        stop: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}

/** Under a prefix, each framework mounts the app its own way; at the root, as native.ts does. */
async function native(app: string, prefix: string): Promise<Listening[]> {
  switch (app) {
    case 'express': {
      const { expressApp } = await import('app-express/src/app.ts');
      const mounted = (inner: Express): Express => (prefix === '' ? inner : express().use(prefix, inner));
      return [
        await listenExpress(mounted(expressApp)),
        await listenExpress(mounted(expressObserver())),
      ];
    }
    case 'fastify': {
      const { fastifyApp, fastifyRoutes } = await import('app-fastify/src/app.ts');
      const instance = prefix === '' ? fastifyApp : Fastify().register(fastifyRoutes, { prefix });
      const observer = fastifyObserver(prefix);
      return [
        { url: await instance.listen({ port: 0, host: HOST }), stop: () => instance.close() },
        { url: await observer.listen({ port: 0, host: HOST }), stop: () => observer.close() },
      ];
    }
    case 'hono': {
      const { honoApp } = await import('app-hono/src/app.ts');
      const mounted = (inner: Hono): Hono => (prefix === '' ? inner : new Hono().route(prefix, inner));
      return [
        await serveHono(mounted(honoApp).fetch),
        await serveHono(mounted(honoObserver()).fetch),
      ];
    }
    default:
      throw new Error(
        `${JSON.stringify(app)} has no native server; expected express, fastify or hono`,
      );
  }
}

const gatewayErrors: string[] = [];

async function gatewayApps(app: string): Promise<[App, App]> {
  switch (app) {
    case 'express':
      return [(await import('app-express/src/app.ts')).app, fromExpress(expressObserver())];
    case 'fastify':
      return [(await import('app-fastify/src/app.ts')).app, fromFastify(fastifyObserver())];
    case 'hono':
      return [(await import('app-hono/src/app.ts')).app, fromHono(honoObserver())];
    case 'bare':
      return [(await import('app-bare/src/app.ts')).app, bareObserver];
    default:
      throw new Error(
        `unknown app ${JSON.stringify(app)}; expected express, fastify, hono or bare`,
      );
  }
}

const keepError = (message: string): void => void gatewayErrors.push(message);

/**
 * Under node:http and the fetch server, the app's error stream is the bridge's (stderr): point it
 * at the same list the gateway server's goes to, so a SPEC violation fails those cells too.
 */
const keepingErrors =
  (app: App): App =>
  (environ, startResponse) => {
    environ['gateway.errors'] = { write: keepError };
    return app(environ, startResponse);
  };

/**
 * Under a prefix, the app is mounted by the gateway's dispatcher, validated where it is called;
 * the one callable is then served by the server named.
 */
async function gateway(app: string, prefix: string, server: string): Promise<Listening[]> {
  return Promise.all(
    (await gatewayApps(app)).map(async (callable) => {
      const served = prefix === '' ? validator(callable) : mount({ [prefix]: validator(callable) });
      if (server === 'node' || server === 'fetch') {
        const handle = await serveWith(server, keepingErrors(served), { host: HOST, port: 0 });
        return { url: handle.url, stop: () => handle.close() };
      }
      const handle = await serveGateway(served, { host: HOST, port: 0, errors: { write: keepError } });
      return { url: handle.url, stop: () => handle.close() };
    }),
  );
}

const [app = '', side = '', mode = 'root'] = process.argv.slice(2);
const prefix = mode === 'mounted' ? `/${app}` : '';
if (process.send === undefined)
  throw new Error('server-child.ts is started by targets.ts, with an IPC channel');
const servers =
  side === 'native'
    ? await native(app, prefix)
    : ['gateway', 'node', 'fetch'].includes(side)
      ? await gateway(app, prefix, side)
      : [];
if (servers.length !== 2)
  throw new Error(`expected side native, gateway, node or fetch, got ${JSON.stringify(side)}`);

process.on('message', (message: ChildRequest) => {
  if (message.type === 'take-errors') {
    const reply: ChildReply = { type: 'errors', id: message.id, errors: gatewayErrors.splice(0) };
    process.send?.(reply);
  }
});

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  // A connection a scenario left open must not keep the process alive: exit after a grace period.
  setTimeout(() => process.exit(0), 2_000).unref();
  void Promise.all(servers.map((server) => server.stop())).then(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
process.once('disconnect', stop);

// The URLs the scenarios build on carry the mount prefix, so every request goes below it.
const ready: ChildReady = { url: servers[0]!.url + prefix, observerUrl: servers[1]!.url + prefix };
process.send(ready);
