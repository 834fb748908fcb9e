// One TCP connection, served request after request. This is the request cycle of the original
// webserver2.py (handle_one_request) made persistent: HTTP/1.1 keep-alive and pipelining (answers
// in order), request bodies streamed with backpressure, and the limits that keep a bad client
// from holding the server (SPEC rules 6.3–6.5). The first section is the cycle itself, the page to
// read aloud; the sections after it are what each step needs from the socket.
//
// Over 300 lines on purpose: the cycle and its failure paths (a refused request, a timeout, a
// client that leaves) share the state keep-or-close reads, and apart they would hide it again.
// What knows nothing of HTTP is in socket-side.ts, the decision itself in keep-or-close.ts.
import type { Socket } from 'node:net';
import { HttpError } from '../http/errors.ts';
import { RequestParser } from '../http/parser.ts';
import type { BodyEvents, RequestHead } from '../http/parser.ts';
import type { ExchangeTap } from '../inspect/tap.ts';
import { CLOSE, DISCARD_BODY_THEN_KEEP, MAX_DISCARD, keepOrClose } from './keep-or-close.ts';
import type { ConnectionFacts } from './keep-or-close.ts';
import { EMPTY_INPUT, RequestBody } from './request-body.ts';
import type { BodyOwner } from './request-body.ts';
import { ResponseWriter } from './response-writer.ts';
import type { ResponseSink } from './response-writer.ts';
import { errorResponse, requestHeadText } from './server-answers.ts';
import type { ConnectionHost, ConnectionSettings } from './settings.ts';
import { SocketSide } from './socket-side.ts';

export type { ConnectionHost, ConnectionSettings } from './settings.ts';

// Phases, for the timeout sweep (`checkDeadline`).
const IDLE = 0; // between requests: keep-alive timeout
const HEAD = 1; // a request head is arriving: headers timeout (slowloris)
const BODY = 2; // a request body is arriving: body idle timeout
const APP = 3; // the app is answering: no timeout of ours
const CLOSING = 4; // our side is shut; waiting for the client to go

/** Pipelined bytes or unsent response bytes past which the connection stops reading. */
const MAX_BACKLOG = 1024 * 1024;

export class Connection extends SocketSide implements BodyEvents, BodyOwner, ResponseSink {
  private readonly parser: RequestParser;
  /** The request being answered: its head, body and response, and the inspector's record of it. */
  private head: RequestHead | null = null;
  private body: RequestBody | null = null;
  private writer: ResponseWriter | null = null;
  private tapped: ExchangeTap | null = null;
  /** Bytes of the next pipelined requests, held while the current response is in flight. */
  private held: Buffer | null = null;
  private requests = 0;
  private continueSent = false;
  /** Body bytes dropped after an early answer (MAX_DISCARD). */
  private discarded = 0;
  private readonly currentFacts: ConnectionFacts = {
    clientKeepsAlive: false,
    serverClosing: false,
    lastAllowed: false,
    clientEnded: false,
    framedByClose: false,
    bodyLeft: 0,
    awaitingContinue: false,
  };
  phase = IDLE;
  deadline: number;

  constructor(
    socket: Socket,
    settings: ConnectionSettings,
    private readonly host: ConnectionHost,
  ) {
    super(socket, settings);
    this.parser = new RequestParser(settings.limits, this, settings.repeatHeads);
    this.deadline = Date.now() + settings.headersTimeoutMs;
  }

  // --- the request cycle: accept (server.ts) → read → parse → environ → call the app → respond → keep or close

  /** Read: bytes arrived from the client. */
  protected onData(chunk: Buffer): void {
    if (this.phase === CLOSING) return; // lingering close: read and drop
    if (this.settings.tap !== null) this.settings.tap.received(this, chunk);
    if (this.held !== null) return this.hold(chunk); // an answer is still being made: wait in line
    this.serve(chunk, 0);
  }

  /** Parse, and serve each request the bytes hold, in order. */
  private serve(buf: Buffer, pos: number): void {
    this.packetStart();
    try {
      while (pos < buf.length && this.phase !== CLOSING) {
        if (this.phase === IDLE) this.expect(HEAD, this.settings.headersTimeoutMs);
        pos = this.parser.execute(buf, pos);
        const head = this.parser.takeHead();
        if (head !== null) this.answer(head);
        if (!this.parser.complete) {
          if (head === null) break; // the rest of the request is in packets still to come
          continue; // its body follows in these bytes
        }
        // A whole request is in. While its answer is being made, or the client is not reading
        // our answers, the next pipelined one waits: responses go out in order (RFC 9112 §9.3.2).
        if (this.writer !== null || this.socket.writableLength > MAX_BACKLOG) {
          if (pos < buf.length) this.hold(buf.subarray(pos));
          break;
        }
        this.nextRequest();
      }
    } catch (error) {
      this.refuse(error); // a malformed request, or a limit hit
    } finally {
      this.packetEnd();
    }
    if (this.peerEnded && this.idle) this.shutdown();
  }

  /** Environ → call the app → respond, for one request head. */
  private answer(head: RequestHead): void {
    this.requests++;
    this.head = head;
    const writer = new ResponseWriter(this, head.minor, head.method === 'HEAD');
    this.writer = writer;
    let input = EMPTY_INPUT;
    if (head.contentLength !== -1 && head.contentLength !== 0) {
      input = this.body = new RequestBody(this);
      this.expect(BODY, this.settings.bodyTimeoutMs);
    } else {
      this.phase = APP;
    }
    if (this.settings.trace !== null) this.settings.trace('<', requestHeadText(head));
    const tap = this.settings.tap === null ? null : this.settings.tap.begin(this, head, { address: this.remoteAddress, port: this.remotePort });
    this.tapped = tap;
    const environ = this.settings.makeEnviron(head, this.remoteAddress, this.remotePort, this.settings.info, input, writer);
    let result: unknown;
    try {
      if (tap === null) result = this.settings.app(environ, writer.startResponse);
      else {
        tap.environ(environ);
        result = tap.body(this.settings.app(environ, tap.startResponse(writer.startResponse)));
      }
    } catch (error) {
      return writer.fail(error); // rule 5.1: a 500, or a closed connection once bytes are out
    }
    writer.respond(result);
  }

  /** Keep or close: the response is complete (keep-or-close.ts decides). */
  responseDone(writer: ResponseWriter, reusable: boolean): void {
    if (writer !== this.writer) return;
    this.writer = null;
    if (this.settings.log !== null && this.head !== null) this.settings.log(this.remoteAddress, this.head, writer.code, writer.sent);
    if (this.tapped !== null) {
      this.tapped.done(writer.code, writer.sent);
      this.tapped = null;
    }
    const verdict = reusable ? keepOrClose(this.facts(false)) : CLOSE;
    if (verdict === CLOSE) return this.shutdown();
    if (verdict === DISCARD_BODY_THEN_KEEP) {
      this.body!.discard();
      this.phase = BODY;
    } else {
      this.expect(IDLE, this.settings.keepAliveTimeoutMs);
    }
    // When the app answered at once, serve()'s loop is still running and goes on by itself.
    if (!this.inPacket) this.resume();
  }

  /** Whether the connection can carry another request (asked when the response head is written). */
  canKeepAlive(framedByClose: boolean): boolean {
    return keepOrClose(this.facts(framedByClose)) !== CLOSE;
  }

  /** The facts keep-or-close looks at, now; one object per connection, filled in afresh each time. */
  private facts(framedByClose: boolean): ConnectionFacts {
    const head = this.head!;
    const body = this.body;
    const max = this.settings.maxRequestsPerConnection;
    const facts = this.currentFacts;
    facts.clientKeepsAlive = head.keepAlive;
    facts.serverClosing = this.host.closing;
    facts.lastAllowed = max !== 0 && this.requests >= max;
    facts.clientEnded = this.peerEnded;
    facts.framedByClose = framedByClose;
    facts.bodyLeft = body === null || body.complete ? 0 : head.contentLength;
    facts.awaitingContinue = head.expectContinue && !this.continueSent;
    return facts;
  }

  // --- between requests -------------------------------------------------------------------------

  private nextRequest(): void {
    this.parser.reset();
    this.head = null;
    this.body = null;
    this.continueSent = false;
    this.discarded = 0;
    this.expect(IDLE, this.settings.keepAliveTimeoutMs);
  }

  private hold(bytes: Buffer): void {
    this.held = this.held === null ? bytes : Buffer.concat([this.held, bytes]);
    if (this.held.length > MAX_BACKLOG) this.pauseReading();
  }

  /** Picks up pipelined bytes held while a response was in flight. */
  private resume(): void {
    if (this.parser.complete) this.nextRequest();
    const held = this.held;
    this.held = null;
    if (this.readPaused) this.resumeReading();
    if (held !== null) this.serve(held, 0);
    else if (this.peerEnded && this.idle) this.shutdown();
  }

  get idle(): boolean {
    return this.writer === null && !this.parser.inMessage && this.held === null;
  }

  // --- the request body (BodyEvents from the parser, BodyOwner for the app's reads) -------------

  onBody(chunk: Buffer): void {
    this.deadline = this.now() + this.settings.bodyTimeoutMs;
    const body = this.body;
    // A chunked body being dropped has no declared end: stop at the bound and close instead.
    if (body !== null && body.discarding && (this.discarded += chunk.length) > MAX_DISCARD) return this.shutdown();
    body?.push(chunk);
  }

  onBodyEnd(): void {
    this.body?.end();
    if (this.phase === BODY) this.phase = APP;
  }

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
    if (this.held === null || this.held.length <= MAX_BACKLOG) this.resumeReading();
  }

  // --- the response (ResponseSink) ------------------------------------------------------------

  sendInformational(head: string, code: number): Promise<void> | null {
    // An app's own 100 Continue answers the client's Expect: the server sends no second one.
    if (code === 100) {
      if (this.continueSent) return null;
      this.continueSent = true;
    }
    return this.send(head);
  }

  traceResponse(head: string): void {
    this.settings.trace?.('>', head);
    this.tapped?.responseHead(head);
  }

  // --- errors, timeouts and closing -----------------------------------------------------------

  /** Enters a phase whose deadline is `ms` from now (see checkDeadline). */
  private expect(phase: number, ms: number): void {
    this.phase = phase;
    this.deadline = this.now() + ms;
  }

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
    const { head, bytes } = errorResponse(error, this.now(), this.settings.serverLine);
    this.settings.trace?.('>', head);
    this.send(bytes);
  }

  /**
   * Closes our side once what is written has gone, then keeps reading (and dropping) until the
   * client closes or a timeout, so the client reads our last answer instead of a reset
   * (the "lingering close" of RFC 9112 §9.6).
   */
  shutdown(): void {
    if (this.phase === CLOSING || this.closed) return;
    this.expect(CLOSING, this.settings.keepAliveTimeoutMs);
    this.held = null;
    this.body?.discard();
    this.endSocket();
  }

  /** Called by the server's sweep about once a second. */
  checkDeadline(now: number): void {
    if (now < this.deadline || this.closed) return;
    switch (this.phase) {
      case IDLE:
      case CLOSING:
        return this.destroy();
      case HEAD:
        if (this.held !== null || this.writer !== null) return; // waiting on us, not on the client
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

  protected onEnd(): void {
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

  protected onClose(): void {
    this.host.forget(this);
    this.writer?.abort();
    this.body?.fail(new Error('the client disconnected'));
  }

  protected onWritable(): void {
    if (this.held !== null && this.writer === null && !this.inPacket && this.socket.writableLength <= MAX_BACKLOG) {
      this.resume();
    }
  }
}
