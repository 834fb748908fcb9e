// One response, from startResponse to the last byte (SPEC sections 3, 4 and 5). It holds the
// status and headers until the first non-empty chunk, or an empty one that flushes them (rule
// 3.7), chooses the framing (rule 6.1), writes each chunk before asking for the next and waits for
// the socket to drain (rule 4.3), sends the interim responses an app asks for (rule 6.6), and
// turns app errors into a 500 or, once bytes are out, into a closed connection (rule 5.1).
//
// Over 300 lines on purpose: framing, backpressure and failure share one response's state, and
// the order in which they touch it is the point. The body's shape is in body-chunks.ts, the
// head's fields in response-head.ts.
import { bytesToLatin1, writeLatin1 } from '../http/_chars.ts';
import { AppError, serializeFields, serverFields, statusCode } from './response-head.ts';
import type { HeadFacts } from './response-head.ts';
import { statusLine } from '../http/vocabulary.ts';
import { PENDING, closeIterator, declaresLength, informationalCode, isThenable, iteratorOf, nextOf, settledSoon, toBytes } from './body-chunks.ts';
import type { Chunks } from './body-chunks.ts';
import type { HeaderList, StartResponse, Write } from '../types.ts';

/** What a response needs from its connection. */
export interface ResponseSink {
  /** Writes bytes; returns a promise when the socket wants the writer to wait (backpressure). */
  send(data: Uint8Array | string): Promise<void> | null;
  /** Writes an interim response the app asked for (rule 6.6); `code` 100 counts as the server's own. */
  sendInformational(head: string, code: number): Promise<void> | null;
  cork(): void;
  uncork(): void;
  /** The response is complete; `reusable` says whether the connection may carry another. */
  responseDone(writer: ResponseWriter, reusable: boolean): void;
  /** The response cannot be completed on the wire: close the connection now. */
  destroy(): void;
  reportError(error: unknown): void;
  /** Whether the connection can carry another request after this one (keep-or-close.ts). */
  canKeepAlive(framedByClose: boolean): boolean;
  traceResponse(head: string): void;
  /** The current time in ms, for the Date field. */
  now(): number;
  readonly serverLine: string;
}

const FIXED = 0; // Content-Length
const CHUNKED = 1;
const UNTIL_CLOSE = 2; // HTTP/1.0 without a known length
const NO_BODY = 3; // HEAD, 204, 205, 304

/**
 * A body up to this size leaves with its head as one latin-1 string: the socket copies a string
 * straight to the kernel, which costs less than making a Buffer for head and body in JavaScript
 * (about 0.1 µs less for a small response).
 */
const SMALL_BODY = 1024;

const RESOLVED = Promise.resolve();
/** What step 1 of a streamed body tells step 2: ask for the next chunk, or stop, the response is complete. */
const NEXT = Symbol('next');
const OVER = Symbol('over');

export class ResponseWriter {
  status: string | null = null;
  headers: HeaderList = [];
  code = 0;
  headersSent = false;
  finished = false;
  aborted = false;
  /** Body bytes sent, after framing is chosen. */
  sent = 0;
  private framing = FIXED;
  private declared = -1;
  private controller: AbortController | null = null;

  constructor(
    private readonly sink: ResponseSink,
    /** HTTP/1.x minor version of the request. */
    private readonly minor: number,
    private readonly isHead: boolean,
  ) {}

  /** Whether the connection may be kept after this response: decided when the head is written. */
  keepAlive = true;

  /** `gateway.signal`, made on first use: most apps never look at it. */
  get signal(): AbortSignal {
    this.controller ??= new AbortController();
    if (this.aborted && !this.controller.signal.aborted) this.controller.abort();
    return this.controller.signal;
  }

  /** The `startResponse` handed to the app (rules 3.1–3.7). */
  readonly startResponse: StartResponse = startResponseOf(this);
  private writeFn: Write | null = null;

  start(status: string, headers: HeaderList, error: unknown): Write {
    if (this.status !== null && error === undefined) {
      throw new AppError('3.5', 'startResponse called twice; a second call must pass the error that caused it');
    }
    if (this.headersSent) {
      // Rule 3.5: too late to replace what is on the wire; hand the error back to the app.
      throw error;
    }
    this.code = statusCode(status);
    this.status = status;
    this.headers = headers;
    return (this.writeFn ??= writeOf(this));
  }

  /** Sends a chunk for an imperative writer (rule 3.6). */
  write(chunk: unknown): Promise<void> {
    if (this.finished || this.aborted) return RESOLVED;
    const bytes = toBytes(chunk);
    if (bytes.length === 0) {
      // An empty write is a flush: the head goes out now, framed without a length (rule 3.7).
      if (!this.headersSent) this.sendHead(null, -1);
      return RESOLVED;
    }
    if (!this.headersSent) this.sendHead(bytes, -1);
    else return this.sendChunk(bytes) ?? RESOLVED;
    return RESOLVED;
  }

  /**
   * An interim response (rule 6.6): a 1xx other than 101, before the final head, to an HTTP/1.1
   * client (RFC 9110 §15.2: never to 1.0). Too late or not for this client, it sends nothing.
   */
  informational(status: string, headers: HeaderList): Promise<void> {
    const code = informationalCode(status);
    const facts: HeadFacts = { contentLength: -1, hasDate: false, hasServer: false };
    const fields = serializeFields(headers, facts);
    if (this.headersSent || this.finished || this.aborted || this.minor !== 1) return RESOLVED;
    const head = statusLine(status) + fields + '\r\n';
    this.sink.traceResponse(head);
    return this.sink.sendInformational(head, code) ?? RESOLVED;
  }

  /** The client went away: stop everything, tell the app (rule 5.2). */
  abort(): void {
    if (this.finished || this.aborted) return;
    this.aborted = true;
    this.controller?.abort();
  }

  /** Step "respond": sends what the app returned (rule 4.1). */
  respond(result: unknown): void {
    if (Array.isArray(result)) {
      // The common case, answered without a single promise: a body known in full.
      try {
        this.respondWithArray(result);
      } catch (error) {
        this.fail(error);
      }
    } else {
      void this.respondWith(result);
    }
  }

  /** Sends a body given in full (an array): one write, Content-Length known (rule 6.1). */
  respondWithArray(chunks: readonly unknown[]): void {
    if (chunks.length === 1) {
      const only = toBytes(chunks[0]);
      if (!this.headersSent) this.sendHead(only, only.length);
      else if (only.length > 0) this.sendChunk(only);
      return this.end();
    }
    const parts = chunks.map(toBytes);
    if (this.headersSent) {
      for (const part of parts) if (part.length > 0) this.sendChunk(part);
      return this.end();
    }
    const whole = Buffer.concat(parts);
    this.sendHead(whole, whole.length);
    this.end();
  }

  /**
   * Sends any other body: awaits it, then reads its chunks one at a time, each written before the
   * next is asked for (rule 4.3), in two steps: the head, then the rest. The iterator is closed if
   * the response stops early (rule 4.5).
   */
  async respondWith(body: unknown): Promise<void> {
    let chunks: Chunks | null = null;
    try {
      if (isThenable(body)) body = await body;
      if (this.aborted || this.finished) return;
      if (Array.isArray(body)) return this.respondWithArray(body);
      chunks = iteratorOf(body);
      const then = await this.sendHeadWithFirstChunk(chunks);
      if (then !== OVER) await this.sendTheRest(chunks, then === NEXT ? null : then);
    } catch (error) {
      if (chunks !== null) closeIterator(chunks, this.sink);
      this.fail(error);
    }
  }

  /**
   * Step 1: the head goes out with the first chunk that has bytes. When the app gave no
   * Content-Length, that chunk is held for one turn of the event loop: a body that ends by then
   * gets a Content-Length, one that does not is streamed (chunked). An empty chunk sends the head
   * at once (a flush, rule 3.7). Returns what step 2 goes on with: a step already read, NEXT, or
   * OVER when the response is complete.
   */
  private async sendHeadWithFirstChunk(chunks: Chunks): Promise<IteratorResult<unknown> | typeof NEXT | typeof OVER> {
    const next = nextOf(chunks);
    const step = isThenable(next) ? await next : next;
    if (this.aborted || this.finished) return this.stopEarly(chunks);
    if (step.done) {
      this.end();
      return OVER;
    }
    if (this.headersSent) return step; // an imperative write() sent it already
    const first = toBytes(step.value);
    if (first.length === 0 || declaresLength(this.headers)) {
      this.sendHead(first, -1);
      return this.framing === NO_BODY ? this.stopEarly(chunks) : NEXT;
    }
    const following = nextOf(chunks);
    const soon = isThenable(following) ? await settledSoon(following) : following;
    // The client may have gone during that turn: nothing more is sent then.
    if (this.aborted || this.finished) return this.stopEarly(chunks);
    if (soon !== PENDING && soon.done) {
      this.sendFirst(first, first.length);
      this.end();
      return OVER;
    }
    this.sendFirst(first, -1);
    if (this.framing === NO_BODY) return this.stopEarly(chunks);
    return soon === PENDING ? await following : soon;
  }

  /** Step 2: every further chunk, framed as chosen, waiting for the socket when it is full. */
  private async sendTheRest(chunks: Chunks, step: IteratorResult<unknown> | null): Promise<void> {
    while (true) {
      if (step === null) {
        const next = nextOf(chunks);
        step = isThenable(next) ? await next : next; // a synchronous iterator costs no promise
      }
      if (this.aborted || this.finished) return void this.stopEarly(chunks);
      if (step.done) return this.end();
      const bytes = toBytes(step.value);
      if (bytes.length > 0) {
        // HEAD, 204, 205 and 304 send no body: once the head is out, the rest is not needed (rule 4.6).
        if (this.framing === NO_BODY) return void this.stopEarly(chunks);
        const wait = this.sendChunk(bytes);
        if (wait !== null) await wait;
      }
      step = null;
    }
  }

  /** The held first chunk: with the head, or after it if an imperative write() sent the head meanwhile. */
  private sendFirst(first: Uint8Array, knownLength: number): void {
    if (!this.headersSent) this.sendHead(first, knownLength);
    else void this.sendChunk(first);
  }

  /** Closes the iterator, and ends the response unless the client is gone. */
  private stopEarly(chunks: Chunks): typeof OVER {
    closeIterator(chunks, this.sink);
    if (!this.aborted) this.end();
    return OVER;
  }

  /** Writes the head, and `first` (a body chunk) with it when there is one. */
  private sendHead(first: Uint8Array | null, knownLength: number): void {
    if (this.status === null) {
      throw new AppError('1.2', 'the body produced a chunk before startResponse was called');
    }
    const facts: HeadFacts = { contentLength: -1, hasDate: false, hasServer: false };
    const code = this.code;
    let fields = serializeFields(this.headers, facts);
    let framing = '';
    if (code === 205) {
      // RFC 9110 §15.3.6: no content in a 205, and a length of 0 said so the client can read on;
      // a Content-Length the app gave, and its body, are dropped (rule 4.6).
      fields = fields.replace(/^content-length:.*\r\n/gim, '');
      framing = 'Content-Length: 0\r\n';
    }
    if (code === 204 || code === 304 || code === 205) {
      this.framing = NO_BODY;
    } else if (facts.contentLength !== -1) {
      // HEAD declares the GET's length and sends no body, so there is nothing to compare (rule 4.6).
      if (knownLength !== -1 && knownLength !== facts.contentLength && !this.isHead) {
        throw new AppError('4.4', `Content-Length says ${facts.contentLength} bytes but the body has ${knownLength}`);
      }
      this.framing = FIXED;
      this.declared = facts.contentLength;
    } else if (knownLength !== -1) {
      this.framing = FIXED;
      this.declared = knownLength;
      // An empty answer to HEAD says nothing about the GET's length, so it claims none.
      if (!(this.isHead && knownLength === 0)) framing = 'Content-Length: ' + knownLength + '\r\n';
    } else if (this.minor === 1) {
      this.framing = CHUNKED;
      framing = 'Transfer-Encoding: chunked\r\n';
    } else {
      this.framing = UNTIL_CLOSE;
    }
    // Only closing the connection would end this body (HEAD's too: it promises the GET's framing).
    const framedByClose = this.framing === UNTIL_CLOSE;
    if (this.isHead) this.framing = NO_BODY;
    if (this.keepAlive && !this.sink.canKeepAlive(framedByClose)) this.keepAlive = false;
    if (!this.keepAlive) framing += this.minor === 1 ? 'Connection: close\r\n' : '';
    else if (this.minor === 0) framing += 'Connection: keep-alive\r\n';
    const head =
      statusLine(this.status) + fields + serverFields(facts, this.sink.serverLine, this.sink.now()) + framing + '\r\n';
    this.headersSent = true;
    this.sink.traceResponse(head);
    if (first === null || first.length === 0 || this.framing === NO_BODY) {
      this.sink.send(head);
    } else if (this.framing === FIXED) {
      this.sendFixed(first, head);
    } else {
      this.sink.cork();
      this.sink.send(head);
      this.sendChunk(first);
      this.sink.uncork();
    }
  }

  /** Content-Length body bytes (with the head, in one buffer, when given); never past the declared length. */
  private sendFixed(bytes: Uint8Array, head: string | null): Promise<void> | null {
    const room = this.declared - this.sent;
    const fits = bytes.length <= room ? bytes : bytes.subarray(0, room);
    this.sent += fits.length;
    let wait: Promise<void> | null;
    if (head === null) wait = this.sink.send(fits);
    else if (fits.length <= SMALL_BODY) wait = this.sink.send(head + bytesToLatin1(fits));
    else {
      const out = Buffer.allocUnsafe(head.length + fits.length);
      writeLatin1(out, head, 0);
      out.set(fits, head.length);
      wait = this.sink.send(out);
    }
    if (fits !== bytes) {
      throw new AppError('4.4', `the body is longer than its Content-Length of ${this.declared} bytes`);
    }
    return wait;
  }

  /** One body chunk after the head, framed as chosen. */
  private sendChunk(bytes: Uint8Array): Promise<void> | null {
    switch (this.framing) {
      case FIXED:
        return this.sendFixed(bytes, null);
      case CHUNKED: {
        this.sent += bytes.length;
        this.sink.cork();
        const size = this.sink.send(bytes.length.toString(16) + '\r\n');
        const data = this.sink.send(bytes);
        const end = this.sink.send('\r\n');
        this.sink.uncork();
        return end ?? data ?? size; // any of the three may be the one that filled the socket
      }
      case UNTIL_CLOSE:
        this.sent += bytes.length;
        return this.sink.send(bytes);
      default:
        return null;
    }
  }

  /** The body is over: finish the framing and hand the connection back. */
  end(): void {
    if (this.finished) return;
    if (!this.headersSent) this.sendHead(null, 0);
    this.finished = true;
    if (this.framing === CHUNKED) this.sink.send('0\r\n\r\n');
    if (this.framing === FIXED && this.sent < this.declared) {
      // Rule 4.4: the client is waiting for bytes that will never come; only closing tells it.
      this.sink.reportError(new AppError('4.4', `the body ended ${this.declared - this.sent} bytes short of its Content-Length`));
      this.sink.destroy();
      return;
    }
    this.sink.responseDone(this, this.keepAlive);
  }

  /** The app failed (rule 5.1): a 500 if nothing is out yet, else a closed connection. */
  fail(error: unknown): void {
    if (this.aborted) return;
    this.sink.reportError(error);
    if (this.finished) return;
    if (this.headersSent) {
      this.finished = true;
      this.sink.destroy();
      return;
    }
    this.replace('500 Internal Server Error', 'Internal Server Error\n');
  }

  /** Answers with a server-made response instead of the app's (500, or 413 mid-body). */
  replace(status: string, text: string): void {
    this.status = status;
    this.code = Number(status.slice(0, 3));
    this.headers = [['Content-Type', 'text/plain; charset=utf-8']];
    const bytes = Buffer.from(text);
    this.sendHead(bytes, bytes.length);
    this.end();
  }
}

// The functions handed to the app are made here, as unnamed arrows, rather than as class fields:
// the TypeScript loader (tsx, esbuild's keepNames) wraps every named function it sees created in
// a __name() call, which measured about 0.47 µs a request each, more than the rest of this
// module's per-request work.
function startResponseOf(writer: ResponseWriter): StartResponse {
  return (status, headers, error) => writer.start(status, headers, error);
}

function writeOf(writer: ResponseWriter): Write {
  return (chunk) => writer.write(chunk);
}
