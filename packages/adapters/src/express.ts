// Serves an Express app as a gateway callable: `export const app = fromExpress(expressApp)`, the
// analog of Flask's `app.wsgi_app`. An Express app is itself a `(req, res)` handler, so this is the
// node bridge and nothing else; Express's own routing, error pages and `res.send` run unchanged.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { App } from '@gateway-interop/gateway';
import { nodeBridge } from './_node/bridge.ts';

/**
 * What this needs of an Express app: that it is a request listener, as `express()` returns.
 * Structural, so importing the adapters needs neither Express nor its types.
 */
export type ExpressLike = (req: IncomingMessage, res: ServerResponse) => unknown;

/** `app` as a gateway callable. Mount it elsewhere by path with a dispatcher (SCRIPT_NAME). */
export function fromExpress(app: ExpressLike): App {
  return nodeBridge(app);
}
