// The node bridge: runs a `(req, res)` handler as a gateway callable. It plays the part of node's
// own server (lib/_http_server.js) for one request: it makes the request and response objects,
// calls the handler, and turns the connection's life into node's events: 'finish' and 'close' when
// the response is done, 'aborted' and 'close' when the client goes away (`gateway.signal`, SPEC
// 2.9) or the server stops reading the body early (SPEC 4.5). As in node's server, the state of a
// request lives in one object (Exchange) and the listeners are plain functions that find it.
//
// Most handlers answer before they return (Express's `res.send`, Fastify's `reply.send`): the
// response is complete when the handler call is over. Such a response goes to the server as an
// array, synchronously, like a bare gateway app's answer (SPEC 4.1), instead of a promise of a
// streamed body. That spares the promise, the async iteration of the body and the server's async
// path (respondWith), about 0.5 µs a request in process on Node 20 (a `res.end('hello world')`
// handler: 3.2 → 2.6 µs for the whole bridge), and the server then sends the answer in one write
// with its Content-Length and, under pipelining, in the same write as the answers next to it
// (connection.ts), which the async path never does: that is most of why Fastify's /hello with
// 10-deep pipelining went from 0.7× to 2× its own server's requests per CPU-second. Node's write
// callbacks ('finish' among them) run a tick later, once the server has the bytes, as they would
// after a socket write. A response not complete by then streams, as before (response-body.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { App, Body, Environ, HeaderList, StartResponse } from '@gateway-interop/gateway';
import { GatewaySocket } from './gateway-socket.ts';
import type { SocketOwner, WriteCallback } from './gateway-socket.ts';
import type { HeadSink } from './node-internals.ts';
import { createRequest } from './request.ts';
import type { BridgedRequest } from './request.ts';
import { FLUSH, ResponseBody } from './response-body.ts';
import type { ReturnListener } from './response-body.ts';
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
const NO_FAILURE: unique symbol = Symbol('no failure');

/** One request in flight, from the environ to the end of the response. */
class Exchange implements SocketOwner, HeadSink, ReturnListener {
  readonly #environ: Environ;
  readonly #startResponse: StartResponse;
  readonly socket: GatewaySocket;
  readonly request: BridgedRequest;
  readonly res: ServerResponse;
  /** Writes made before the body was handed over (and their callbacks, run once taken). */
  #chunks: Buffer[] = [];
  #callbacks: Array<WriteCallback | null> = [];
  /** The streamed body, once the response turned out not to be complete at once. */
  #body: ResponseBody | null = null;
  #resolve: ((body: Body) => void) | undefined;
  #reject: ((error: unknown) => void) | undefined;
  /** A failure before the head while the handler was still being called: run() rejects with it. */
  #failure: unknown = NO_FAILURE;
  #running = true;
  #headSent = false;
  /** The server is to send the head at once: node would chunk the body, or the app flushed it. */
  #flush = false;
  /** The server has its answer: a body, an array, or the rejection. */
  #handedOver = false;
  #rejected = false;
  /** Handed over as an array: the server has the whole response. */
  #complete = false;
  #finished = false;
  #aborted = false;
  #signal: AbortSignal | undefined;

  constructor(environ: Environ, startResponse: StartResponse) {
    this.#environ = environ;
    this.#startResponse = startResponse;
    this.socket = new GatewaySocket(environ, this);
    this.request = createRequest(environ, this.socket);
    this.res = createResponse(this.request.req, this.socket, this);
    (this.res as unknown as Carrier)[kExchange] = this;
    // Registered before the handler runs, as node's server registers resOnFinish.
    this.res.on('finish', onResponseFinish);
  }

  run(handler: NodeHandler): Body | Promise<Body> {
    try {
      const result = handler(this.request.req, this.res);
      if (isPromiseLike(result)) result.then(undefined, (error: unknown) => this.fail(error));
    } catch (error) {
      this.fail(error);
    }
    this.request.endIfEmpty();
    this.#running = false;
    if (this.#failure !== NO_FAILURE) {
      this.#handedOver = true;
      this.#rejected = true;
      return Promise.reject(this.#failure);
    }
    const answer = this.#headSent ? this.#handOver() : undefined;
    // Watching for the client going away starts one event-loop turn later, and only for a
    // response still unfinished then: `gateway.signal` is made on first use, and making one costs
    // Node 20 about 3.5 µs. A response already complete is not watched at all: the server has
    // all of it, and even the setImmediate costs about 0.15 µs.
    if (!this.#complete) setImmediate(watchForDisconnect, this);
    if (answer !== undefined) return answer;
    return new Promise<Body>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }

  /** A write from node. Before the head only interim responses (writeContinue, writeProcessing,
   * writeEarlyHints) reach the socket: they go to `gateway.informational` (SPEC 6.6). */
  written(chunk: Buffer, callback: WriteCallback | null): void {
    if (!this.#headSent && !this.#rejected && chunk.length > 0) this.#informational(chunk, callback);
    else if (!this.#headSent || this.#complete) process.nextTick(takeLater, this.socket, chunk.length, callback);
    else if (chunk.length === 0 && callback === null) {
      // `res.flushHeaders()` (or `res.write('')`): node sends the head now, so must the server.
      // end() writes '' too, but always with its 'finish' callback.
      if (this.#body !== null) this.#body.flush();
      else this.#flush = true;
    } else if (this.#body !== null) this.#body.push(chunk, callback);
    else {
      this.#chunks.push(chunk);
      this.#callbacks.push(callback);
    }
  }

  /** An interim response node wrote as text (`HTTP/1.1 103 Early Hints\r\nLink: …\r\n\r\n`). */
  #informational(chunk: Buffer, callback: WriteCallback | null): void {
    const taken = (): void => this.socket.taken(chunk.length, callback);
    const send = this.#environ['gateway.informational'];
    const interim = parseInterim(chunk.toString('latin1'));
    if (send === undefined || interim === undefined) return void process.nextTick(taken);
    this.#environ['gateway.informational']!(interim.status, interim.headers).then(taken, (error: unknown) => {
      this.#environ['gateway.errors'].write(error instanceof Error ? (error.stack ?? String(error)) : String(error));
      taken();
    });
  }

  /** Node fixed the status and headers: start the gateway response. */
  head(status: string, headers: HeaderList, chunked: boolean): void {
    if (this.#rejected) return; // the server is answering 500 already
    try {
      this.#startResponse(status, headers);
    } catch (error) {
      return this.fail(error);
    }
    this.#headSent = true;
    // Node would send this body chunked, with no Content-Length (the app declared
    // Transfer-Encoding, or wrote before its length was known): a flush first makes the server
    // choose the same framing (SPEC 3.7, 6.1) instead of a length it could work out later.
    if (chunked) this.#flush = true;
    // After the handler returned (an async handler): the body is handed over once the code that
    // wrote the head has run on, so that `res.end(data)` still makes a complete response.
    if (!this.#running && !this.#handedOver) process.nextTick(handOverLater, this);
  }

  handOverLater(): void {
    if (this.#handedOver) return;
    const body = this.#handOver();
    this.#resolve?.(body);
  }

  /** The server's answer: the chunks as an array if the response is complete, else a stream. */
  #handOver(): Body {
    this.#handedOver = true;
    if (this.#body === null && this.res.writableEnded && !this.socket.destroyed) {
      this.#complete = true;
      const chunks = this.#chunks;
      const body: Buffer[] = [];
      for (let i = 0; i < chunks.length; i++) if (chunks[i]!.length > 0) body.push(chunks[i]!);
      // Node's write callbacks, its 'finish' among them, run once the server has the bytes.
      process.nextTick(takeAll, this);
      if (!this.#flush) return body;
      // Not an array, which the server would frame with a length: a flush, then the chunks.
      body.unshift(FLUSH);
      return { [Symbol.iterator]: () => body[Symbol.iterator]() };
    }
    return this.#streamingBody();
  }

  takeAll(): void {
    const chunks = this.#chunks;
    const callbacks = this.#callbacks;
    this.#chunks = [];
    this.#callbacks = [];
    for (let i = 0; i < chunks.length; i++) this.socket.taken(chunks[i]!.length, callbacks[i] ?? null);
  }

  #streamingBody(): ResponseBody {
    if (this.#body === null) {
      const body = (this.#body = new ResponseBody(this, this.socket));
      if (this.#flush) body.flush();
      for (let i = 0; i < this.#chunks.length; i++) body.push(this.#chunks[i]!, this.#callbacks[i] ?? null);
      this.#chunks = [];
      this.#callbacks = [];
    }
    return this.#body;
  }

  #rejectWith(error: unknown): void {
    if (this.#handedOver) return;
    if (this.#running) {
      if (this.#failure === NO_FAILURE) this.#failure = error;
      this.#rejected = true;
      return;
    }
    this.#handedOver = true;
    this.#rejected = true;
    this.#reject?.(error);
  }

  /** The server stopped early (SPEC 4.5). After `end()`, or for a response that has no body
   * (HEAD, 204, 304), that only means it has all it needs: the app finishes undisturbed. */
  bodyReturned(): void {
    const { req } = this.request;
    const code = this.res.statusCode;
    if (!this.res.writableEnded && req.method !== 'HEAD' && code !== 204 && code !== 304) this.abort();
  }

  /** Node's server ends a request in flight when its connection closes (abortIncoming): destroyed
   * with ECONNRESET, so it emits 'aborted', then 'error' if anyone listens, then 'close'. The
   * socket goes first, so that IncomingMessage#_destroy finds it destroyed already. */
  abort(): void {
    if (this.#finished || this.#complete || this.#aborted) return;
    this.#aborted = true;
    this.socket.destroy(connectionReset());
    this.request.req.destroy(connectionReset());
  }

  /** `gateway.signal` fired. */
  handleEvent(): void {
    this.abort();
  }

  watchForDisconnect(): void {
    if (this.#finished || this.#complete || this.#aborted || this.res.writableEnded) return;
    const signal = (this.#signal = this.#environ['gateway.signal']);
    if (signal.aborted) this.abort();
    else signal.addEventListener('abort', this, { once: true });
  }

  responseFinished(): void {
    this.#finished = true;
    this.#body?.end();
    // One request per stand-in connection, so it closes with the response; node's own listener
    // on the socket then emits the response's 'close'. On the next tick, as node's server emits
    // 'close' after 'finish' (emitCloseNT).
    process.nextTick(closeAfterResponse, this);
  }

  closeAfterResponse(): void {
    this.socket.closeNow();
    this.request.dumpIfUnread();
  }

  socketClosed(error: Error | null): void {
    this.#signal?.removeEventListener('abort', this);
    if (this.#finished || this.#complete) return;
    if (this.#aborted) {
      // The client left, or the server stopped reading: nothing failed on the app's side, so
      // the body just ends (SPEC 5.2); a head never sent leaves nothing to answer.
      if (!this.#headSent) this.#rejectWith(connectionReset());
      else this.#streamingBody().end();
      return;
    }
    // The app destroyed the response before finishing it: under node the client would see the
    // connection cut, so the body fails and the server cuts the response short (SPEC 5.1).
    this.#aborted = true;
    this.request.req.destroy(connectionReset());
    const failure = error ?? new Error('the app destroyed the response before finishing it');
    if (!this.#headSent) this.#rejectWith(failure);
    else this.#streamingBody().fail(failure);
  }

  /**
   * The handler threw or rejected. Before the head, the server answers 500 (SPEC 5.1); after it,
   * the body fails and the server cuts the response short rather than end it cleanly. Once the
   * response is complete the error can only be reported (under node it would crash the process).
   */
  fail(error: unknown): void {
    if (this.#finished || this.#complete || this.res.writableEnded) {
      this.#environ['gateway.errors'].write(error instanceof Error ? (error.stack ?? String(error)) : String(error));
      return;
    }
    if (!this.#headSent) this.#rejectWith(error);
    else this.#streamingBody().fail(error);
    this.socket.destroy(error instanceof Error ? error : new Error(String(error)));
  }
}

/** `HTTP/1.1 NNN reason` and its field lines, as node's writeEarlyHints and writeContinue write them. */
function parseInterim(text: string): { status: string; headers: HeaderList } | undefined {
  const lines = text.split('\r\n');
  const match = /^HTTP\/1\.1 (1\d\d .*)$/.exec(lines[0] ?? '');
  if (match === null) return undefined;
  const headers: HeaderList = [];
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.push([line.slice(0, colon), line.slice(colon + 1).trim()]);
  }
  return { status: match[1]!, headers };
}

function onResponseFinish(this: ServerResponse): void {
  (this as unknown as Carrier)[kExchange].responseFinished();
}

function watchForDisconnect(exchange: Exchange): void {
  exchange.watchForDisconnect();
}

function closeAfterResponse(exchange: Exchange): void {
  exchange.closeAfterResponse();
}

function handOverLater(exchange: Exchange): void {
  exchange.handOverLater();
}

function takeAll(exchange: Exchange): void {
  exchange.takeAll();
}

function takeLater(socket: GatewaySocket, length: number, callback: WriteCallback | null): void {
  socket.taken(length, callback);
}

/** `handler` as a gateway callable. */
export function nodeBridge(handler: NodeHandler): App {
  return (environ, startResponse) => new Exchange(environ, startResponse).run(handler);
}
