// Other servers for a gateway callable, the matrix's other rows: `node:http` through toNodeHandler,
// and a real fetch server (@hono/node-server) through toFetchHandler. Both have the gateway's
// `serve()` shape (listen, hand back url/port/close) so `gateway serve --server node|fetch`, compare
// and the fidelity suite can swap the server and keep the app.
//
// Why @hono/node-server for the fetch row: it is the fetch server Node users deploy (Hono's own),
// it is already in this workspace's lockfile (app-hono's native server), and it keeps building
// apart from listening (createAdaptorServer). srvx would do as well: on Node it too is a fetch
// facade over node:http. `overrideGlobalObjects: false` keeps Node's own Request and Response: the
// library would otherwise swap the globals for its lighter classes, changing what every fetch app
// in the process runs (compare puts several servers in one process).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import type { Http2Bindings, HttpBindings } from '@hono/node-server';
import type { App } from '@gateway-interop/gateway';
import { toFetchHandler } from './to-fetch.ts';
import { toNodeHandler } from './to-node.ts';

/** The servers this module offers; `gateway` is the gateway package's own `serve()`. */
export type OtherServer = 'node' | 'fetch';

export interface ListenOptions {
  host?: string;
  port?: number;
  /** Time given to responses in flight by close() before connections are cut (default 10 s). */
  shutdownTimeoutMs?: number;
}

export interface OtherServeHandle {
  /** What serves: `node:http` or `@hono/node-server`. */
  readonly serverName: string;
  readonly host: string;
  readonly port: number;
  /** e.g. `http://127.0.0.1:8888` (no trailing slash), as the gateway's ServeHandle. */
  readonly url: string;
  /** Stops accepting, lets responses in flight finish, then cuts what is left. */
  close(): Promise<void>;
}

/** A human name per server, for start-up lines and tables. */
export const SERVER_NAMES: Readonly<Record<OtherServer, string>> = {
  node: 'node:http',
  fetch: '@hono/node-server',
};

function build(kind: OtherServer, app: App): http.Server {
  if (kind === 'node') return http.createServer(toNodeHandler(app));
  // @hono/node-server hands the fetch callback its node:http objects beside the Request; the
  // socket there is the only place the client's address is known.
  const fetch = toFetchHandler(app, { peer: (_request, env: HttpBindings | Http2Bindings) => ({ address: env.incoming.socket.remoteAddress, port: env.incoming.socket.remotePort }) });
  // createAdaptorServer returns node:http's Server unless asked for https or http2.
  return createAdaptorServer({ fetch, overrideGlobalObjects: false }) as http.Server;
}

/** Serves `app` under `kind` on host:port (defaults 127.0.0.1:8888, as the gateway). */
export async function serveWith(kind: OtherServer, app: App, options: ListenOptions = {}): Promise<OtherServeHandle> {
  const server = build(kind, app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8888, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const grace = options.shutdownTimeoutMs ?? 10_000;
  return {
    serverName: SERVER_NAMES[kind],
    host: address.address,
    port: address.port,
    url: `http://${shown}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        // close() ends idle keep-alive connections at once (Node ≥ 19) and waits for busy ones.
        const timer = setTimeout(() => server.closeAllConnections(), grace);
        timer.unref();
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
      }),
  };
}
