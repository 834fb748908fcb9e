// A real `http.ServerResponse` whose head goes to the gateway and whose body bytes go to the
// stand-in socket. Using node's own class (attached to a stand-in socket, as light-my-request does)
// keeps every detail frameworks rely on: writeHead in all its forms, the header methods,
// headersSent, writableEnded/Finished, 'finish' and 'close', no body for HEAD, 204 and 304,
// Content-Length for `end(data)`. Only two things are changed, in node-internals.ts: the head is
// handed over instead of written, and no chunked framing is added, since the server frames the
// body (SPEC 6.1).
import { ServerResponse } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { GatewaySocket } from './gateway-socket.ts';
import { interceptHead } from './node-internals.ts';
import type { HeadSink } from './node-internals.ts';

/**
 * Makes the response for `req`; `sink` gets the head once the app's status and headers are final.
 * The socket passes its 'drain' on to the response itself (GatewaySocket#taken), as node's server
 * does in socketOnDrain.
 */
export function createResponse(req: IncomingMessage, socket: GatewaySocket, sink: HeadSink): ServerResponse {
  const res = new ServerResponse(req);
  // The server adds Date itself (SPEC 6.2); an app that sets one still sends it.
  res.sendDate = false;
  interceptHead(res, sink);
  res.assignSocket(socket as unknown as Socket);
  return res;
}
