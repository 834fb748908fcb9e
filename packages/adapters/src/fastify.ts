// Serves a Fastify instance as a gateway callable: `export const app = fromFastify(fastifyApp)`.
// Fastify is entered the way its own server enters it: `routing(req, res)`, the request listener it
// gives `http.createServer`, once `ready()` has loaded the plugins. `listen()` is never called; the
// gateway server is the one listening.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { App } from '@gateway-interop/gateway';
import { nodeBridge } from './_node/bridge.ts';

/** The part of a Fastify instance this needs; any FastifyInstance fits. */
export interface FastifyLike {
  ready(): PromiseLike<unknown>;
  routing(req: IncomingMessage, res: ServerResponse): void;
}

/**
 * `app` as a gateway callable. `app.ready()` runs once, on the first request, and every request
 * waits for that same promise; if it fails (a plugin threw), each request gets the server's 500.
 */
export function fromFastify(app: FastifyLike): App {
  let ready: PromiseLike<unknown> | undefined;
  return nodeBridge(async (req, res) => {
    await (ready ??= app.ready());
    app.routing(req, res);
  });
}
