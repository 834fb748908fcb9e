// The node bridge: runs a `(req, res)` handler as a gateway callable. It plays the part of node's
// own server (lib/_http_server.js) for one request: it makes the request and response objects,
// calls the handler, and turns the connection's life into node's events: 'finish' and 'close' when
// the response is done, 'aborted' and 'close' when the client goes away (`gateway.signal`, SPEC
// 2.9) or the server stops reading the body early (SPEC 4.5). As in node's server, the state of a
// request lives in one object (Exchange) and the listeners are plain functions that find it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { App, Body, Environ, StartResponse } from '@gateway-interop/gateway';
import { GatewaySocket } from './gateway-socket.ts';
import type { ChunkSink } from './gateway-socket.ts';
import type { HeadSink } from './node-internals.ts';
import { createRequest } from './request.ts';
import type { BridgedRequest } from './request.ts';
import { ResponseBody } from './response-body.ts';
import type { ReturnListener } from './response-body.ts';
import { parseHead } from './response-head.ts';
import { createResponse } from './response.ts';

/** Anything node's `http.createServer` accepts: Express, Connect, a plain `(req, res)` function. */
export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => unknown;

/** The error node gives a request whose client went away (connResetException in lib/internal/errors.js). */
function connectionReset(): Error {
  return Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

const kExchange = Symbol('gateway exchange');
type Carrier = { [kExchange]: Exchange };

/** One request in flight, from the environ to the end of the response. */
class Exchange implements ChunkSink, HeadSink, ReturnListener {
  readonly #environ: Environ;
  readonly #startResponse: StartResponse;
  readonly #resolve: (body: Body) => void;
  readonly #reject: (error: unknown) => void;
  readonly socket: GatewaySocket;
  readonly request: BridgedRequest;
  readonly res: ServerResponse;
  readonly body: ResponseBody;
  #headSent = false;
  #finished = false;
  #aborted = false;
  #signal: AbortSignal | undefined;

  constructor(environ: Environ, startResponse: StartResponse, resolve: (body: Body) => void, reject: (error: unknown) => void) {
    this.#environ = environ;
    this.#startResponse = startResponse;
    this.#resolve = resolve;
    this.#reject = reject;
    this.body = new ResponseBody(this);
    this.socket = new GatewaySocket(environ, this);
    this.request = createRequest(environ, this.socket);
    this.res = createResponse(this.request.req, this.socket, this);
    (this.res as unknown as Carrier)[kExchange] = this;
    (this.socket as unknown as Carrier)[kExchange] = this;
    // Registered before the handler runs, as node's server registers resOnFinish.
    this.res.once('finish', onResponseFinish);
    this.socket.once('close', onSocketClose);
    // Watching for the client going away starts one event-loop turn later, and only for a
    // response still unfinished then: `gateway.signal` is made on first use, and making one costs
    // Node 20 about 3.5 µs, a quarter of this bridge's own cost for a response done at once.
    setImmediate(watchForDisconnect, this);
  }

  run(handler: NodeHandler): void {
    try {
      const result = handler(this.request.req, this.res);
      if (isPromiseLike(result)) result.then(undefined, (error: unknown) => this.fail(error));
    } catch (error) {
      this.fail(error);
    }
    this.request.endIfEmpty();
  }

  /** A body chunk from node. Before the head only interim responses (writeContinue,
   * writeEarlyHints) reach the socket; they have no place in the interface: the server sends
   * 100 Continue itself (SPEC 6.3). */
  chunk(chunk: Buffer, taken: (error?: Error | null) => void): void {
    if (!this.#headSent || chunk.length === 0) return taken();
    this.body.push(chunk, taken);
  }

  /** Node fixed the status and headers: start the gateway response and hand over the body. */
  head(serialized: string): void {
    const { status, headers } = parseHead(serialized);
    try {
      this.#startResponse(status, headers);
    } catch (error) {
      return this.fail(error);
    }
    this.#headSent = true;
    this.#resolve(this.body);
  }

  /** The server stopped early (SPEC 4.5). After `end()`, or for a response that has no body
   * (HEAD, 204, 304), that only means it has all it needs: the app finishes undisturbed. */
  bodyReturned(): void {
    const { req } = this.request;
    const code = this.res.statusCode;
    if (!this.res.writableEnded && req.method !== 'HEAD' && code !== 204 && code !== 304) this.abort();
  }

  /** Node's server ends a request in flight when its connection closes (abortIncoming): destroyed
   * with ECONNRESET, so it emits 'aborted', then 'error' if anyone listens, then 'close'. */
  abort(): void {
    if (this.#finished || this.#aborted) return;
    this.#aborted = true;
    this.request.req.destroy(connectionReset());
    this.socket.destroy(connectionReset());
  }

  /** `gateway.signal` fired. */
  handleEvent(): void {
    this.abort();
  }

  watchForDisconnect(): void {
    if (this.#finished || this.#aborted || this.res.writableEnded) return;
    const signal = (this.#signal = this.#environ['gateway.signal']);
    if (signal.aborted) this.abort();
    else signal.addEventListener('abort', this, { once: true });
  }

  responseFinished(): void {
    this.#finished = true;
    this.body.end();
    // One request per stand-in connection, so it closes with the response; node's own listener
    // on the socket then emits the response's 'close'. On the next tick, because destroying a
    // stream inside its own write callback makes node build an error per request (errorBuffer).
    process.nextTick(closeAfterResponse, this);
  }

  closeAfterResponse(): void {
    this.socket.destroy();
    this.request.dumpIfUnread();
  }

  socketClosed(): void {
    this.#signal?.removeEventListener('abort', this);
    if (this.#finished) return;
    if (this.#aborted) {
      // The client left, or the server stopped reading: nothing failed on the app's side, so
      // the body just ends (SPEC 5.2); a head never sent leaves nothing to answer.
      if (!this.#headSent) this.#reject(connectionReset());
      else this.body.end();
      return;
    }
    // The app destroyed the response before finishing it: under node the client would see the
    // connection cut, so the body fails and the server cuts the response short (SPEC 5.1).
    this.#aborted = true;
    this.request.req.destroy(connectionReset());
    const error = this.socket.errored ?? new Error('the app destroyed the response before finishing it');
    if (!this.#headSent) this.#reject(error);
    else this.body.fail(error);
  }

  /**
   * The handler threw or rejected. Before the head, the server answers 500 (SPEC 5.1); after it,
   * the body fails and the server cuts the response short rather than end it cleanly. Once the
   * response is complete the error can only be reported (under node it would crash the process).
   */
  fail(error: unknown): void {
    if (this.#finished || this.res.writableEnded) {
      this.#environ['gateway.errors'].write(error instanceof Error ? (error.stack ?? String(error)) : String(error));
      return;
    }
    if (!this.#headSent) this.#reject(error);
    else this.body.fail(error);
    this.socket.destroy(error instanceof Error ? error : new Error(String(error)));
  }
}

function onResponseFinish(this: ServerResponse): void {
  (this as unknown as Carrier)[kExchange].responseFinished();
}

function onSocketClose(this: GatewaySocket): void {
  (this as unknown as Carrier)[kExchange].socketClosed();
}

function watchForDisconnect(exchange: Exchange): void {
  exchange.watchForDisconnect();
}

function closeAfterResponse(exchange: Exchange): void {
  exchange.closeAfterResponse();
}

/** `handler` as a gateway callable. */
export function nodeBridge(handler: NodeHandler): App {
  return (environ, startResponse) =>
    new Promise<Body>((resolve, reject) => new Exchange(environ, startResponse, resolve, reject).run(handler));
}
