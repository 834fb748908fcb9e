// The fetch bridge: turns anything that answers a `Request` with a `Response` into a gateway
// callable. Three steps: environ → Request (to-request.ts), the handler, then Response →
// startResponse + a body (this file).
//
// The reference path is plain Fetch: a real Request from the environ, the handler's Response read
// through its public API (status, statusText, headers, the body stream). Two speed tricks sit on
// top, each on unless the engine (GATEWAY_ENGINE, see resolveEngine) turns it off:
//  - `light-request`: the handler gets lazy-request.ts's facade, which builds the real Request only
//    if the handler needs it.
//  - `light-response`: while the handler runs synchronously `Response` is light-response.ts's
//    class, whose parts are sent as given; an undici Response's body is taken from undici's state
//    rather than its stream (undici-internals.ts). With it off no undici internal is touched.
//
// The common answer takes no promise at all: a handler that answers synchronously with a body
// held in memory gets an array body back from the callable, which the server writes in one go.
// That is why the callable below is not an `async` function. What it buys, apps/app-hono GET
// /hello under the gateway with 10-deep pipelining (autocannon -c 100 -p 10, server on one core):
// 155–160k requests per CPU-second against 90k for the same code as an async callable; without
// pipelining the two are even.
import { resolveEngine } from '@gateway-interop/gateway';
import type { App, Body, EngineChoice, Environ, StartResponse } from '@gateway-interop/gateway';
import { iterateReader } from './body-iterator.ts';
import { lazyRequest } from './lazy-request.ts';
import { LightResponse, withLightResponses } from './light-response.ts';
import { byteLength, readAhead } from './read-ahead.ts';
import { headerListOf, lightHeaderList, statusLine } from './response-head.ts';
import { toRequest } from './to-request.ts';
import { bodySource } from './undici-internals.ts';

/** Answers one request; `environ` is there for adapters that pass server details along. */
export type Respond = (request: Request, environ: Environ) => Response | Promise<Response>;

export interface BridgeOptions {
  /**
   * Which speed tricks the bridge uses (`light-request`, `light-response`): `fast`, `reference`,
   * or either with `,+trick` / `,-trick` items. Default: GATEWAY_ENGINE's choice, else `fast`.
   * Read once, when the bridge is made.
   */
  engine?: EngineChoice;
  /**
   * @deprecated Use `engine: 'fast,-light-response'`. When given, it turns the `light-response`
   * trick on or off whatever `engine` says.
   */
  lightResponses?: boolean;
}

/** How one bridge answers, as its engine decided when it was made. */
interface Mode {
  lightRequest: boolean;
  lightResponse: boolean;
}

/**
 * A gateway callable that serves `respond`. Errors it throws reach the server (rule 5.1): thrown
 * synchronously if the handler throws synchronously, else as a rejection.
 */
export function fetchBridge(respond: Respond, options: BridgeOptions = {}): App {
  const tricks = resolveEngine(options.engine);
  const mode: Mode = {
    lightRequest: tricks['light-request'],
    lightResponse: options.lightResponses ?? tricks['light-response'],
  };
  return (environ, startResponse) => {
    const request = mode.lightRequest ? lazyRequest(environ) : toRequest(environ);
    const response = mode.lightResponse
      ? withLightResponses(respond, request, environ)
      : respond(request, environ);
    return isPromise(response)
      ? finish(response, environ, startResponse, mode)
      : sendResponse(response, environ, startResponse, mode);
  };
}

const FAST: Mode = { lightRequest: true, lightResponse: true };

/**
 * A body as bytes, encoded here rather than by the server: `Buffer.from` takes a small string from
 * Node's pool, about 0.2 µs cheaper than measuring it and letting the server encode it.
 */
function bytesOf<T extends string | Uint8Array | null>(body: T): Exclude<T, string> | Buffer {
  return (typeof body === 'string' ? Buffer.from(body) : body) as Exclude<T, string> | Buffer;
}

function isPromise(value: Response | Promise<Response>): value is Promise<Response> {
  return typeof (value as Partial<Promise<Response>>).then === 'function';
}

async function finish(
  response: Promise<Response>,
  environ: Environ,
  startResponse: StartResponse,
  mode: Mode,
): Promise<Body> {
  return sendResponse(await response, environ, startResponse, mode);
}

/**
 * Starts the gateway response from `response` and returns its body. Content-Length is added when
 * the body's size is known without waiting, as @hono/node-server does (see read-ahead.ts), so
 * the header is there whichever server runs the app; otherwise the server frames the stream.
 * A body held in memory comes back as an array, synchronously. Without the `light-response`
 * trick the response is read through its public API only.
 */
export function sendResponse(
  response: Response,
  environ: Environ,
  startResponse: StartResponse,
  mode: Mode = FAST,
): Body | Promise<Body> {
  const head = environ.REQUEST_METHOD === 'HEAD';
  const parts = mode.lightResponse ? LightResponse.partsOf(response) : undefined;
  if (parts !== undefined) {
    const body = head ? null : bytesOf(parts.body);
    const headers = lightHeaderList(parts, body);
    // Declared chunked framing means "stream it": the general path below does that.
    if (headers !== undefined) {
      startResponse(statusLine(parts.status, parts.statusText), headers);
      return body === null || body.byteLength === 0 ? [] : [body];
    }
  }

  const status = statusLine(response.status, response.statusText);
  const headers = headerListOf(response.headers);
  const lengthKnown = response.headers.has('content-length');
  const stream = response.body;

  if (stream === null || head) {
    // A HEAD answer never carries the body, so stop whatever would have produced it. An empty
    // array is a body of known length: the server frames it itself (rule 6.1).
    stream?.cancel().catch(() => {});
    startResponse(status, headers);
    return [];
  }

  // A handler that declares chunked framing (Hono's streamText does) wants its bytes out as soon
  // as they exist; @hono/node-server skips the read-ahead for it too.
  const streaming = lengthKnown || response.headers.has('transfer-encoding');
  if (!streaming && mode.lightResponse) {
    const buffered = bodySource(response);
    if (buffered !== undefined) {
      const bytes = bytesOf(buffered);
      headers.push(['content-length', String(bytes.byteLength)]);
      startResponse(status, headers);
      return bytes.byteLength === 0 ? [] : [bytes];
    }
  }
  return streamResponse(stream, streaming, lengthKnown, status, headers, environ, startResponse);
}

/** The general case: a body read from the response's stream, ahead if it may be short. */
async function streamResponse(
  stream: ReadableStream<Uint8Array>,
  streaming: boolean,
  lengthKnown: boolean,
  status: string,
  headers: ReturnType<typeof headerListOf>,
  environ: Environ,
  startResponse: StartResponse,
): Promise<Body> {
  const reader = stream.getReader();
  const ahead = streaming ? { chunks: [], done: false } : await readAhead(reader);
  if (ahead.done) {
    if (!lengthKnown) headers.push(['content-length', String(byteLength(ahead.chunks))]);
    reader.releaseLock();
    startResponse(status, headers);
    return ahead.chunks;
  }
  startResponse(status, headers);
  // A body still being produced goes out as @hono/node-server sends it: the head at once (a
  // flush, SPEC 3.7), so a client waiting for it (Server-Sent Events) is not kept waiting for
  // the first chunk, and without a length the server never learns of: chunked.
  return iterateReader(reader, {
    buffered: ahead.chunks,
    pending: ahead.pending,
    signal: environ['gateway.signal'],
    flush: true,
  });
}
