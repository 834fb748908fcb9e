// The fetch bridge: turns anything that answers a `Request` with a `Response` into a gateway
// callable. Three steps, one module each: environ → Request (to-request.ts), the handler, then
// Response → startResponse + a body streamed straight from `response.body` (this file).
import type { App, Body, Environ, StartResponse } from '@gateway-interop/gateway';
import { iterateReader } from './body-iterator.ts';
import { byteLength, readAhead } from './read-ahead.ts';
import { headerListOf, statusLine } from './response-head.ts';
import { toRequest } from './to-request.ts';

/** Answers one request; `environ` is there for adapters that pass server details along. */
export type Respond = (request: Request, environ: Environ) => Response | Promise<Response>;

/** A gateway callable that serves `respond`. Errors it throws reach the server (rule 5.1). */
export function fetchBridge(respond: Respond): App {
  return async (environ, startResponse) => {
    const response = await respond(toRequest(environ), environ);
    return sendResponse(response, environ, startResponse);
  };
}

/**
 * Starts the gateway response from `response` and returns its body. Content-Length is added when
 * the body's size is known without waiting, as @hono/node-server does (see read-ahead.ts), so
 * the header is there whichever server runs the app; otherwise the server frames the stream.
 */
export async function sendResponse(
  response: Response,
  environ: Environ,
  startResponse: StartResponse,
): Promise<Body> {
  const status = statusLine(response.status, response.statusText);
  const headers = headerListOf(response.headers);
  const lengthKnown = response.headers.has('content-length');

  if (response.body === null || environ.REQUEST_METHOD === 'HEAD') {
    // A HEAD answer never carries the body, so stop whatever would have produced it. An empty
    // array is a body of known length: the server frames it itself (rule 6.1).
    response.body?.cancel().catch(() => {});
    startResponse(status, headers);
    return [];
  }

  const reader = response.body.getReader();
  // A handler that declares chunked framing (Hono's streamText does) wants its bytes out as soon
  // as they exist; @hono/node-server skips the read-ahead for it too.
  const streaming = lengthKnown || response.headers.has('transfer-encoding');
  const ahead = streaming ? { chunks: [], done: false } : await readAhead(reader);
  if (ahead.done) {
    if (!lengthKnown) headers.push(['content-length', String(byteLength(ahead.chunks))]);
    reader.releaseLock();
    startResponse(status, headers);
    return ahead.chunks;
  }
  startResponse(status, headers);
  return iterateReader(reader, {
    buffered: ahead.chunks,
    pending: ahead.pending,
    signal: environ['gateway.signal'],
  });
}
