// Serves a Hono app as a gateway callable: `export const app = fromHono(honoApp)`, the analog of
// Flask's `app.wsgi_app`. Hono is already a fetch handler, so this is the fetch bridge plus the
// bindings Hono passes on as `c.env`.
import { isIP } from 'node:net';
import type { App, Environ } from '@gateway-interop/gateway';
import { fetchBridge } from './_fetch/bridge.ts';
import type { BridgeOptions } from './_fetch/bridge.ts';

export type { BridgeOptions as FromHonoOptions } from './_fetch/bridge.ts';

/**
 * What a Hono app sees as `c.env` under the gateway. `environ` is the whole request as the server
 * saw it. `incoming.socket` carries the peer address in the shape of `node:http`'s socket, so
 * `getConnInfo` from `@hono/node-server/conninfo` works unchanged and route code stays the same
 * under both servers. It is only that: no other IncomingMessage member exists here.
 */
export interface GatewayBindings {
  environ: Environ;
  incoming: {
    socket: {
      remoteAddress: string;
      remotePort: number | undefined;
      remoteFamily: 'IPv4' | 'IPv6' | undefined;
    };
  };
}

/**
 * Anything with Hono's `fetch(request, env)`. Structural, so accepting a `Hono` instance needs no
 * import of hono at runtime; `Hono#fetch` takes `env` as `Bindings | {}`, which fits any bindings.
 */
export interface HonoLike {
  fetch: (request: Request, env: GatewayBindings) => Response | Promise<Response>;
}

/**
 * `app` as a gateway callable. Its errors go to its own `onError` (default: a plain 500).
 *
 * The Request Hono sees is a facade that builds undici's Request only if the app needs it, and
 * while the app runs synchronously `Response` is a light one that keeps its body as given, so a
 * `c.text()` answer goes out with no stream in between (see _fetch/lazy-request.ts and
 * _fetch/light-response.ts). `{ engine }` (default: GATEWAY_ENGINE) turns either off:
 * `{ engine: 'reference' }` is plain Fetch throughout.
 */
export function fromHono(app: HonoLike, options: BridgeOptions = {}): App {
  return fetchBridge((request, environ) => app.fetch(request, bindingsOf(environ)), options);
}

function bindingsOf(environ: Environ): GatewayBindings {
  const port = Number.parseInt(environ.REMOTE_PORT, 10);
  return {
    environ,
    incoming: {
      socket: {
        remoteAddress: environ.REMOTE_ADDR,
        remotePort: Number.isNaN(port) ? undefined : port,
        remoteFamily: familyOf(environ.REMOTE_ADDR),
      },
    },
  };
}

/** The last address looked at and its family: one client sends many requests (isIP is ~0.1 µs). */
let lastAddress = '';
let lastFamily: 'IPv4' | 'IPv6' | undefined;

function familyOf(address: string): 'IPv4' | 'IPv6' | undefined {
  if (address !== lastAddress) {
    const family = isIP(address);
    lastFamily = family === 4 ? 'IPv4' : family === 6 ? 'IPv6' : undefined;
    lastAddress = address;
  }
  return lastFamily;
}
