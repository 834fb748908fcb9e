// Runs a gateway callable under a fetch runtime (Deno.serve, Bun.serve, a worker, or anything that
// takes `(request) => Response`): the reverse of fromFetchHandler, so servers and frameworks mix
// and match both ways. `export default { fetch: toFetchHandler(app) }` is the whole deployment.
import type { App } from '@gateway-interop/gateway';
import { environFromRequest } from './_fetch/environ-from-request.ts';
import { responseFromApp } from './_fetch/response-from-app.ts';

/** The client's end of the connection, which a Request does not carry. */
export interface Peer {
  address?: string;
  port?: number;
}

export interface ToFetchHandlerOptions<Rest extends unknown[]> {
  /**
   * Finds the client's address from what the runtime passes beside the Request (Deno's
   * `info.remoteAddr`, @hono/node-server's `env.incoming.socket`), for REMOTE_ADDR and REMOTE_PORT
   * (rule 2.1); without it both are empty.
   */
  peer?(request: Request, ...rest: Rest): Peer | undefined;
}

/** `app` as a fetch handler. A failure before the first byte becomes a plain 500, logged. */
export function toFetchHandler<Rest extends unknown[] = []>(
  app: App,
  options: ToFetchHandlerOptions<Rest> = {},
): (request: Request, ...rest: Rest) => Promise<Response> {
  return async (request, ...rest) => {
    // Either the runtime aborts the request or the consumer cancels the body: both mean gone.
    const cancelled = new AbortController();
    const signal = AbortSignal.any([request.signal, cancelled.signal]);
    const environ = environFromRequest(request, signal);
    const peer = options.peer?.(request, ...rest);
    if (peer?.address !== undefined) environ.REMOTE_ADDR = peer.address;
    if (peer?.port !== undefined) environ.REMOTE_PORT = String(peer.port);
    try {
      return await responseFromApp(app, environ, cancelled);
    } catch (error) {
      if (signal.aborted) return new Response(null, { status: 500 });
      environ['gateway.errors'].write(`gateway: app error: ${describe(error)}\n`);
      return new Response('Internal Server Error\n', {
        status: 500,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
      });
    }
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
