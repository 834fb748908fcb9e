// environ → a real `http.IncomingMessage`, as node's server would have made it: method, url,
// version, headers with node's own joining rules, the stand-in socket, and a body that streams from
// `gateway.input` only when somebody reads it (reading is what sends 100 Continue, SPEC 2.4), one
// chunk per read, so a large upload is never buffered and a slow reader slows the client.
import { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Environ, Input } from '@gateway-interop/gateway';
import type { GatewaySocket } from './gateway-socket.ts';
import { nodeReadStarted, replaceRead, setRawHeaders } from './node-internals.ts';
import { mountedUrls, requestUrl } from './request-url.ts';

function versionOf(protocol: string): [number, number] {
  if (protocol === 'HTTP/1.1') return [1, 1];
  const match = /^HTTP\/(\d)\.(\d)$/.exec(protocol);
  return match === null ? [1, 1] : [Number(match[1]), Number(match[2])];
}

/** Whether the request has a body to read, judged as node's parser does: by its framing fields. */
function hasBody(environ: Environ): boolean {
  const length = environ.CONTENT_LENGTH;
  return (length !== undefined && length !== '' && Number(length) !== 0) || environ.HTTP_TRANSFER_ENCODING !== undefined;
}

const hasField = (raw: readonly string[], lowerName: string): boolean =>
  raw.some((name, i) => i % 2 === 0 && name.toLowerCase() === lowerName);

/**
 * The header fields as received (`gateway.raw_headers`, SPEC 2.3), or rebuilt from the CGI keys if
 * a middleware dropped them. An environ made by hand or changed by a middleware may carry
 * CONTENT_TYPE or CONTENT_LENGTH without the matching field; body parsers look for the field
 * (type-is's hasBody), so it is added.
 */
function rawHeadersOf(environ: Environ): string[] {
  const received = environ['gateway.raw_headers'];
  const fields: string[] = Array.isArray(received) ? received.slice() : [];
  if (!Array.isArray(received)) {
    for (const [key, value] of Object.entries(environ)) {
      if (key.startsWith('HTTP_') && typeof value === 'string') fields.push(key.slice(5).toLowerCase().replace(/_/g, '-'), value);
    }
  }
  for (const [key, name] of [['CONTENT_TYPE', 'content-type'], ['CONTENT_LENGTH', 'content-length']] as const) {
    const value = environ[key];
    if (value !== undefined && !hasField(fields, name)) fields.push(name, value);
  }
  return fields;
}

const toBuffer = (bytes: Uint8Array): Buffer =>
  Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

const kRequest = Symbol('gateway request');
type Carrier = IncomingMessage & { [kRequest]: BridgedRequest };
/** How `req` gets its body bytes (see replaceRead). */
function readFromInput(this: IncomingMessage, size: number): void {
  (this as Carrier)[kRequest].read(size);
}

/** A request destroyed before its body ended (by the app, or on abort) stops reading the input. */
function stopReadingOnClose(this: IncomingMessage): void {
  (this as Carrier)[kRequest].stopReading();
}

/** A request plus its link to `gateway.input`, and the moments node's server decides for it. */
export class BridgedRequest {
  readonly req: IncomingMessage;
  readonly #input: Input;
  readonly #bodyExpected: boolean;
  #iterator: AsyncIterator<Uint8Array> | undefined;
  #touched = false; // somebody asked for the body
  #pulling = false;
  #ended = false;
  #dumped = false;

  constructor(environ: Environ, socket: GatewaySocket) {
    const req = new IncomingMessage(socket as unknown as Socket);
    req.method = environ.REQUEST_METHOD;
    req.url = requestUrl(environ);
    // Mounted: Express's router keeps a baseUrl and originalUrl it finds already set.
    if (environ.SCRIPT_NAME !== '') Object.assign(req, mountedUrls(environ, req.url));
    const [major, minor] = versionOf(environ.SERVER_PROTOCOL);
    req.httpVersionMajor = major;
    req.httpVersionMinor = minor;
    req.httpVersion = `${major}.${minor}`;
    setRawHeaders(req, rawHeadersOf(environ));
    (req as Carrier)[kRequest] = this;
    replaceRead(req, readFromInput);
    this.req = req;
    this.#input = environ['gateway.input'];
    this.#bodyExpected = hasBody(environ);
  }

  /** The stream wants more: fetch one chunk from `gateway.input`. */
  read(size: number): void {
    // Node's own _read first: it marks the request as being consumed and lets the stream read
    // ahead, which an IncomingMessage does not until then (it starts with `readingMore` set).
    nodeReadStarted(this.req, size);
    this.#touched = true;
    if (this.#pulling || this.#ended) return;
    if (!this.#bodyExpected || this.#dumped) return this.#end();
    this.#pulling = true;
    if (this.#iterator === undefined) {
      this.#iterator = this.#input[Symbol.asyncIterator]();
      this.req.once('close', stopReadingOnClose);
    }
    this.#iterator.next().then(
      (step) => this.#arrived(step, size),
      (error: unknown) => this.#failed(error),
    );
  }

  /**
   * Node's parser marks a body-less request complete (and ends its stream) right after the
   * 'request' event has been handled; call this once the handler has returned. The stream itself
   * ends when somebody first reads (`read()` pushes the end): until then an ended stream and one
   * not yet ended look the same from outside (no 'end' comes before a read either way), and
   * ending it costs a tick (emitReadable) that every GET would pay for a body nobody reads.
   */
  endIfEmpty(): void {
    if (!this.#bodyExpected) this.req.complete = true;
    // Node's parser takes body bytes off the socket whether or not the handler reads them, up to
    // the stream's buffer (16 KiB), and marks the request complete when the body is in: a handler
    // that waits for `req.complete`, or for 'aborted' while a body is in flight, relies on it.
    // read(0) starts the same read-ahead here; the stream stops asking once its buffer is full.
    else if (!this.#touched && !this.req.destroyed) this.req.read(0);
  }

  /**
   * When the response is finished and nobody has touched the body, node's server dumps it
   * (resOnFinish in lib/_http_server.js) so the request still ends and closes. Here it ends
   * without reading `gateway.input`, since the gateway server deals with a body the app left
   * unread (SPEC 6.3). It counts as complete, as after node's dump, so no 'aborted' follows.
   *
   * If nobody listens for the request's 'end' or 'close', the dump is skipped: it would run four
   * ticks of stream machinery (resume, read, endReadable, destroy → close) for events nobody
   * hears. Express and Fastify add no such listener for a plain route. With the lazy end above,
   * this saves about 0.4 µs a request on Node 20 for a plain `res.end('hello world')` handler in
   * process (3.0 → 2.6 µs for the whole bridge), and about 7 µs for Express's /hello (62 → 56 µs
   * in process): on a request whose prototype Express has swapped, node's stream code runs far
   * slower. The only trace: such a request keeps `readableEnded` and `destroyed` false afterwards
   * (and `complete`, if it had a body nobody read).
   */
  dumpIfUnread(): void {
    const req = this.req;
    if (this.#touched || (req.listenerCount('end') === 0 && req.listenerCount('close') === 0)) return;
    if (req.readableFlowing === true || req.destroyed) return;
    this.#dumped = true;
    req.removeAllListeners('data');
    req.resume();
  }

  stopReading(): void {
    if (this.#iterator === undefined || this.#ended) return;
    this.#iterator.return?.().catch(ignore);
  }

  #arrived(step: IteratorResult<Uint8Array>, size: number): void {
    this.#pulling = false;
    if (this.req.destroyed) return;
    if (step.done === true) this.#end();
    else if (step.value.length === 0) this.read(size);
    else this.req.push(toBuffer(step.value));
  }

  #failed(error: unknown): void {
    this.#pulling = false;
    // The body could not be completed (client gone, over the server's limit, SPEC 2.4): node
    // destroys the request in that case too, which emits 'aborted' and 'close'.
    this.req.destroy(error instanceof Error ? error : new Error(String(error)));
  }

  #end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.req.complete = true;
    this.req.push(null);
  }
}

function ignore(): void {}

export function createRequest(environ: Environ, socket: GatewaySocket): BridgedRequest {
  return new BridgedRequest(environ, socket);
}
