// Serves any `(request: Request) => Response` handler as a gateway callable: the fetch bridge
// with nothing added. The same shape as Hono's runtime adapters, in the other direction.
import type { App } from '@gateway-interop/gateway';
import { fetchBridge } from './_fetch/bridge.ts';
import type { BridgeOptions } from './_fetch/bridge.ts';

export type { BridgeOptions as FromFetchHandlerOptions } from './_fetch/bridge.ts';

/** A handler in the style of the fetch standard (`export default { fetch }`, Deno.serve, Bun). */
export type FetchHandler = (request: Request) => Response | Promise<Response>;

/**
 * `handler` as a gateway callable. The same tricks as fromHono (a lazy Request, light responses
 * while the handler runs synchronously), chosen by `{ engine }` or GATEWAY_ENGINE:
 * `{ engine: 'reference' }` gives the handler undici's Request and reads its Response through the
 * Fetch API alone.
 */
export function fromFetchHandler(handler: FetchHandler, options: BridgeOptions = {}): App {
  return fetchBridge((request) => handler(request), options);
}
