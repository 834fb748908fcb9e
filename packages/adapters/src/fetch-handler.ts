// Serves any `(request: Request) => Response` handler as a gateway callable: the fetch bridge
// with nothing added. The same shape as Hono's runtime adapters, in the other direction.
import type { App } from '@gateway-interop/gateway';
import { fetchBridge } from './_fetch/bridge.ts';

/** A handler in the style of the fetch standard (`export default { fetch }`, Deno.serve, Bun). */
export type FetchHandler = (request: Request) => Response | Promise<Response>;

/** `handler` as a gateway callable. */
export function fromFetchHandler(handler: FetchHandler): App {
  return fetchBridge((request) => handler(request));
}
