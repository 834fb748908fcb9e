// One TCP connection, served request after request: read → parse → environ → call the app →
// respond → keep or close. This is the request cycle of the original webserver2.py
// (handle_one_request) made persistent: HTTP/1.1 keep-alive and pipelining (answers in order),
// request bodies streamed with backpressure, and the limits that keep a bad client from holding
// the server (SPEC rules 6.3–6.5).
import type { Socket } from 'node:net';
import { HttpError } from '../http/errors.ts';
import { buildEnviron } from '../environ/environ.ts';
import type { ServerInfo } from '../environ/environ.ts';
import { RequestParser } from '../http/parser.ts';
import type { ParserEvents, ParserLimits, RequestHead } from '../http/parser.ts';
import { EMPTY_INPUT, RequestBody } from './request-body.ts';
import type { BodyOwner } from './request-body.ts';
import { ResponseWriter } from './response-writer.ts';
import type { ResponseSink } from './response-writer.ts';
import { httpDate } from '../http/date.ts';
import type { App } from '../types.ts';
import type { ExchangeTap, Tap } from '../inspect/tap.ts';

/** Everything a connection needs from its server, fixed when the server is made. */
export interface ConnectionSettings {
  app: App;
  info: ServerInfo;
  limits: ParserLimits;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  keepAliveTimeoutMs: number;
  maxRequestsPerConnection: number;
  serverLine: string;
  /** Called for each request and response head when tracing is on. */
  trace: ((direction: '<' | '>', text: string) => void) | null;
  /** Called once per finished response when the access log is on. */
  log: ((remote: string, head: RequestHead, status: number, bytes: number) => void) | null;
  reportError: (error: unknown) => void;
  /** The inspector's tap (`--inspect`), or null: then each step below costs one null check. */
  tap: Tap | null;
}

/** The server side of a connection: where it registers and whether the server is closing. */
export interface ConnectionHost {
  readonly closing: boolean;
  forget(connection: Connection): void;
}

// Phases, for the timeout sweep (`checkDeadline`).
const IDLE = 0; // between requests: keep-alive timeout
const HEAD = 1; // a request head is arriving: headers timeout (slowloris)
const BODY = 2; // a request body is arriving: body idle timeout
const APP = 3; // the app is answering: no timeout of ours
const CLOSING = 4; // our side is shut; waiting for the client to go

/**
 * Request body bytes the server will read and drop to keep a connection whose app answered
 * without reading them, as node:http does (it has no bound); past this many, it closes instead.
 * The body idle timeout bounds the time (SECURITY.md).
 */
const MAX_DISCARD = 1024 * 1024;
/** Response bytes gathered into one write while a packet is parsed; more go out at once. */
const BATCH_BYTES = 64 * 1024;
/** Pipelined bytes or unsent response bytes past which the connection stops reading. */
const MAX_BACKLOG = 1024 * 1024;

export class Connection implements ParserEvents, BodyOwner, ResponseSink {
  private readonly parser: RequestParser;
  private readonly remoteAddress: string;
  private readonly remotePort: string;
  private writer: ResponseWriter | null = null;
  private head: RequestHead | null = null;
  private body: RequestBody | null = null;
  /** Bytes of the next pipelined requests, held while the current response is in flight. */
  private stash: Buffer | null = null;
  private inParse = false;
  private requests = 0;
  private continueSent = false;
  /** Body bytes dropped after an early answer (MAX_DISCARD). */
  private discarded = 0;
  private peerEnded = false;
  private closed = false;
  private readPaused = false;
  private drain: Promise<void> | null = null;
  /** Output gathered during parse(), written once at its end. */
  private out: Array<Uint8Array | string> = [];
  private outBytes = 0;
  private drained: (() => void) | null = null;
  /** When the packet being parsed arrived: see now(). */
  private parseTime = 0;
  /** The exchange the inspector's tap is recording, when it is on. */
  private tapped: ExchangeTap | null = null;
  phase = IDLE;
  deadline: number;

  constructor(
    private readonly socket: Socket,
    private readonly settings: ConnectionSettings,
    private readonly host: ConnectionHost,
  ) {
    this.parser = new RequestParser(settings.limits, this);
    this.remoteAddress = socket.remoteAddress ?? '';
    this.remotePort = String(socket.remotePort ?? '');
    this.deadline = Date.now() + settings.headersTimeoutMs;
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => this.onEnd());
    socket.on('close', () => this.onClose());
    socket.on('drain', () => this.onDrain());
    // Errors (ECONNRESET, EPIPE) are followed by 'close', which does the cleanup.
    socket.on('error', () => {});
  }

  get serverLine(): string {
    return this.settings.serverLine;
  }

  get idle(): boolean {
    return this.writer === null && !this.parser.inMessage && this.stash === null;
  }

  // --- read and parse -------------------------------------------------------------------------

  private onData(chunk: Buffer): void {
    if (this.phase === CLOSING) return; // lingering close: read and drop
    if (this.settings.tap !== null) this.settings.tap.received(this, chunk);
    if (this.stash !== null) {
      this.stash = Buffer.concat([this.stash, chunk]);
      if (this.stash.length > MAX_BACKLOG) this.pauseReading();
      return;
    }
    this.parse(chunk, 0);
  }

  private parse(buf: Buffer, pos: number): void {
    this.inParse = true;
    this.parseTime = Date.now();
    try {
      while (pos < buf.length && this.phase !== CLOSING) {
        if (this.phase === IDLE) {
          this.phase = HEAD;
          this.deadline = this.parseTime + this.settings.headersTimeoutMs;
        }
        pos = this.parser.execute(buf, pos);
        if (!this.parser.complete) break;
        // A whole request is in. If its answer is still being made, or the client is not reading
        // our answers, the next pipelined request waits (responses go out in order, RFC 9112 §9.3.2).
        if (this.writer !== null || this.socket.writableLength > MAX_BACKLOG) {
          if (pos < buf.length) this.stash = buf.subarray(pos);
          break;
        }
        this.nextRequest();
      }
    } catch (error) {
      this.refuse(error);
    } finally {
      this.inParse = false;
      this.flush();
    }
    if (this.peerEnded && this.idle) this.shutdown();
  }

  private nextRequest(): void {
    this.parser.reset();
    this.head = null;
    this.body = null;
    this.continueSent = false;
    this.discarded = 0;
    this.phase = IDLE;
    this.deadline = this.now() + this.settings.keepAliveTimeoutMs;
  }

  /** Picks up pipelined bytes held while a response was in flight. */
  private resumeParsing(): void {
    if (this.parser.complete) this.nextRequest();
    const stash = this.stash;
    this.stash = null;
    if (this.readPaused) this.resumeReading();
    if (stash !== null) this.parse(stash, 0);
    else if (this.peerEnded && this.idle) this.shutdown();
  }

  // --- parser events: the request cycle -------------------------------------------------------

  onHead(head: RequestHead): void {
    this.requests++;
    this.head = head;
    const max = this.settings.maxRequestsPerConnection;
    const keepAlive = head.keepAlive && !this.host.closing && (max === 0 || this.requests < max);
    const writer = new ResponseWriter(this, head.minor, head.method === 'HEAD', keepAlive);
    this.writer = writer;
    let input = EMPTY_INPUT;
    if (head.contentLength !== -1 && head.contentLength !== 0) {
      this.body = new RequestBody(this);
      input = this.body;
      this.phase = BODY;
      this.deadline = this.now() + this.settings.bodyTimeoutMs;
    } else {
      this.phase = APP;
    }
    if (this.settings.trace !== null) this.traceRequest(head);
    const tap = this.settings.tap === null ? null : this.settings.tap.begin(this, head, { address: this.remoteAddress, port: this.remotePort });
    this.tapped = tap;
    const environ = buildEnviron(head, this.remoteAddress, this.remotePort, this.settings.info, input, writer);
    let result: unknown;
    try {
      if (tap === null) result = this.settings.app(environ, writer.startResponse);
      else {
        tap.environ(environ);
        result = tap.body(this.settings.app(environ, tap.startResponse(writer.startResponse)));
      }
    } catch (error) {
      return writer.fail(error);
    }
    if (Array.isArray(result)) {
      // The common case, answered without a single promise: a body known in full.
      try {
        writer.respondWithArray(result);
      } catch (error) {
        writer.fail(error);
      }
    } else {
      void writer.respondWith(result);
    }
  }

  onBody(chunk: Buffer): void {
    this.deadline = this.now() + this.settings.bodyTimeoutMs;
    const body = this.body;
    // A chunked body being dropped has no declared end: stop at the bound and close instead.
    if (body !== null && body.discarding && (this.discarded += chunk.length) > MAX_DISCARD) return this.shutdown();
    body?.push(chunk);
  }

  onComplete(): void {
    this.body?.end();
    if (this.phase === BODY) this.phase = APP;
  }

  // --- the request body (BodyOwner) -----------------------------------------------------------

  bodyWanted(): void {
    // Rule 6.3: the client is waiting for a go-ahead before sending the body. HTTP/1.0 clients
    // do not understand 1xx, so none is sent to them (RFC 9110 §15.2).
    const head = this.head;
    if (head !== null && head.expectContinue && head.minor === 1 && !this.continueSent && !this.writer?.headersSent) {
      this.continueSent = true;
      this.send('HTTP/1.1 100 Continue\r\n\r\n');
    }
  }

  bodyFull(): void {
    this.pauseReading();
  }

  bodyDrained(): void {
    if (this.stash === null || this.stash.length <= MAX_BACKLOG) this.resumeReading();
  }

  // --- the response (ResponseSink) ------------------------------------------------------------

  /**
   * The time for deadlines and the Date field. While a packet is parsed it is the packet's
   * arrival, read once: a keep-alive request otherwise reads the clock four times (head deadline,
   * Date, keep-alive deadline twice), and each Date.now() costs about 40 ns.
   */
  now(): number {
    return this.inParse ? this.parseTime : Date.now();
  }

  send(data: Uint8Array | string): Promise<void> | null {
    if (this.inParse && this.outBytes + data.length <= BATCH_BYTES) {
      // Small answers made while one packet is parsed (pipelining) leave in one write, not one
      // each: a single buffer costs the socket far less than a writev of many (see flush()).
      this.out.push(data);
      this.outBytes += data.length;
      return null;
    }
    this.flush();
    const ok = typeof data === 'string' ? this.socket.write(data, 'latin1') : this.socket.write(data);
    if (ok || this.closed) return null;
    this.drain ??= new Promise((resolve) => (this.drained = resolve));
    return this.drain;
  }

  sendInformational(head: string, code: number): Promise<void> | null {
    // An app's own 100 Continue answers the client's Expect: the server sends no second one.
    if (code === 100) {
      if (this.continueSent) return null;
      this.continueSent = true;
    }
    return this.send(head);
  }

  /** Writes what parse() gathered. Strings are latin-1, and are joined as a string when all are. */
  private flush(): void {
    const out = this.out;
    if (out.length === 0) return;
    this.out = [];
    this.outBytes = 0;
    if (out.length === 1) {
      const only = out[0]!;
      if (typeof only === 'string') this.socket.write(only, 'latin1');
      else this.socket.write(only);
      return;
    }
    let text = '';
    for (let i = 0; i < out.length; i++) {
      const part = out[i]!;
      if (typeof part !== 'string') {
        this.socket.write(Buffer.concat(out.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : p))));
        return;
      }
      text += part;
    }
    this.socket.write(text, 'latin1');
  }

  cork(): void {
    this.socket.cork();
  }

  uncork(): void {
    this.socket.uncork();
  }

  canKeepAlive(): boolean {
    if (this.host.closing || this.peerEnded) return false;
    const body = this.body;
    if (body === null || body.complete) return true;
    // The app answered without reading the whole body. Reading the rest to throw it away keeps
    // the connection, as node:http does, but only up to MAX_DISCARD (a chunked body is counted as
    // it comes), and not if the client is waiting for a 100 Continue before it sends it.
    const head = this.head!;
    if (head.expectContinue && !this.continueSent) return false;
    return head.contentLength === -2 || (head.contentLength > 0 && head.contentLength <= MAX_DISCARD);
  }

  responseDone(writer: ResponseWriter, reusable: boolean): void {
    if (writer !== this.writer) return;
    this.writer = null;
    const head = this.head;
    if (this.settings.log !== null && head !== null) this.settings.log(this.remoteAddress, head, writer.code, writer.sent);
    if (this.tapped !== null) {
      this.tapped.done(writer.code, writer.sent);
      this.tapped = null;
    }
    if (!reusable) return this.shutdown();
    if (this.body !== null && !this.body.complete) {
      this.body.discard();
      this.phase = BODY;
    } else {
      this.phase = IDLE;
      this.deadline = this.now() + this.settings.keepAliveTimeoutMs;
    }
    // Called from inside parse() when the app answered at once: parse()'s loop goes on by itself.
    if (!this.inParse) this.resumeParsing();
  }

  destroy(): void {
    this.flush();
    this.socket.destroy();
  }

  reportError(error: unknown): void {
    this.settings.reportError(error);
  }

  traceResponse(head: string): void {
    this.settings.trace?.('>', head);
    this.tapped?.responseHead(head);
  }

  private traceRequest(head: RequestHead): void {
    let text = `${head.method} ${head.target} HTTP/1.${head.minor}\r\n`;
    for (let i = 0; i < head.rawHeaders.length; i += 2) text += `${head.rawHeaders[i]}: ${head.rawHeaders[i + 1]}\r\n`;
    this.settings.trace?.('<', text + '\r\n');
  }

  // --- errors, timeouts and closing -----------------------------------------------------------

  /** A malformed request (or a limit hit): answer it ourselves and close (rule 6.5). */
  private refuse(error: unknown): void {
    const httpError = error instanceof HttpError ? error : new HttpError(400, 'malformed request');
    if (!(error instanceof HttpError)) this.settings.reportError(error);
    this.body?.fail(httpError);
    const writer = this.writer;
    if (writer !== null && writer.headersSent) return this.destroy();
    if (writer !== null) {
      writer.keepAlive = false;
      writer.replace(httpError.statusLine, `${httpError.statusLine}: ${httpError.message}\n`);
    } else {
      this.sendError(httpError);
    }
    this.shutdown();
  }

  private sendError(error: HttpError): void {
    // The message is UTF-8 (it may quote the request, or hold a '…'), the head latin-1: they are
    // joined as bytes, so Content-Length counts exactly what goes out.
    const text = Buffer.from(`${error.statusLine}: ${error.message}\n`, 'utf8');
    const head =
      `HTTP/1.1 ${error.statusLine}\r\nDate: ${httpDate(this.now())}\r\n${this.settings.serverLine}` +
      `Content-Type: text/plain; charset=utf-8\r\nContent-Length: ${text.length}\r\nConnection: close\r\n\r\n`;
    this.settings.trace?.('>', head);
    this.send(Buffer.concat([Buffer.from(head, 'latin1'), text]));
  }

  /**
   * Closes our side once what is written has gone, then keeps reading (and dropping) until the
   * client closes or a timeout, so the client reads our last answer instead of a reset
   * (the "lingering close" of RFC 9112 §9.6).
   */
  shutdown(): void {
    if (this.phase === CLOSING || this.closed) return;
    this.phase = CLOSING;
    this.deadline = this.now() + this.settings.keepAliveTimeoutMs;
    this.stash = null;
    this.body?.discard();
    if (this.readPaused) this.resumeReading();
    this.flush();
    this.socket.end();
  }

  /** Called by the server's sweep about once a second. */
  checkDeadline(now: number): void {
    if (now < this.deadline || this.closed) return;
    switch (this.phase) {
      case IDLE:
      case CLOSING:
        return this.destroy();
      case HEAD:
        if (this.stash !== null || this.writer !== null) return; // waiting on us, not on the client
        this.sendError(new HttpError(408, 'the request head took too long to arrive'));
        return this.shutdown();
      case BODY:
        // Not the client's fault if we stopped reading because the app is slow to read.
        if (this.readPaused) {
          this.deadline = now + this.settings.bodyTimeoutMs;
          return;
        }
        return this.refuse(new HttpError(408, 'the request body stopped arriving'));
    }
  }

  private onEnd(): void {
    this.peerEnded = true;
    if (this.phase === CLOSING) return this.destroy();
    // A client that shuts its side while we are still answering has gone, for all practical
    // purposes (HTTP clients close both ways at once): abort the app, as node:http does.
    if (this.writer !== null || (this.parser.inMessage && !this.parser.complete)) {
      this.writer?.abort();
      this.body?.fail(new Error('the client closed the connection before the response was complete'));
      return this.destroy();
    }
    if (this.idle) this.shutdown();
  }

  private onClose(): void {
    this.closed = true;
    this.host.forget(this);
    this.writer?.abort();
    this.body?.fail(new Error('the client disconnected'));
    this.onDrain();
  }

  private onDrain(): void {
    const resolve = this.drained;
    this.drain = null;
    this.drained = null;
    resolve?.();
    if (this.stash !== null && this.writer === null && !this.inParse && this.socket.writableLength <= MAX_BACKLOG) {
      this.resumeParsing();
    }
  }

  private pauseReading(): void {
    if (this.readPaused) return;
    this.readPaused = true;
    this.socket.pause();
  }

  private resumeReading(): void {
    if (!this.readPaused) return;
    this.readPaused = false;
    this.socket.resume();
  }
}
