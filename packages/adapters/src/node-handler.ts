// Serves any node `(req, res)` handler as a gateway callable: a Connect app, a plain
// `http.createServer` callback, or a framework's request listener. All the work is in the node
// bridge (_node/); this is its public face, the analog of a WSGI adapter for a non-WSGI framework.
import type { App } from '@gateway-interop/gateway';
import { nodeBridge } from './_node/bridge.ts';
import type { NodeHandler } from './_node/bridge.ts';

export type { NodeHandler };

/**
 * `handler` as a gateway callable. It gets a real `IncomingMessage` and `ServerResponse`; what it
 * writes streams out through the gateway. If it throws (or returns a rejected Promise) before
 * answering, the server answers 500.
 */
export function fromNodeHandler(handler: NodeHandler): App {
  return nodeBridge(handler);
}
