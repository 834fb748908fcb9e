// Serves a Hono app as a gateway callable: `export const app = fromHono(honoApp)`, the analog of
// Flask's `app.wsgi_app`. Hono is already a fetch handler, so this is the fetch bridge plus the
// bindings Hono passes on as `c.env`.
import { isIP } from 'node:net';
import type { App, Environ } from '@gateway-interop/gateway';
import { fetchBridge } from './_fetch/bridge.ts';

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

/** `app` as a gateway callable. Its errors go to its own `onError` (default: a plain 500). */
export function fromHono(app: HonoLike): App {
  return fetchBridge((request, environ) => app.fetch(request, bindingsOf(environ)));
}

function bindingsOf(environ: Environ): GatewayBindings {
  const family = isIP(environ.REMOTE_ADDR);
  const port = Number.parseInt(environ.REMOTE_PORT, 10);
  return {
    environ,
    incoming: {
      socket: {
        remoteAddress: environ.REMOTE_ADDR,
        remotePort: Number.isNaN(port) ? undefined : port,
        remoteFamily: family === 4 ? 'IPv4' : family === 6 ? 'IPv6' : undefined,
      },
    },
  };
}
