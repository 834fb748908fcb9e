// The request parser (RFC 9112): turns bytes into a request head and body bytes, incrementally,
// so a request split across packets at any byte parses the same as one that arrives whole. It is
// strict on purpose: whatever could make two parsers disagree about where a request ends (bare LF,
// obs-fold, space before a colon, conflicting lengths, odd transfer codings) is refused, because
// that disagreement is how request smuggling works (RFC 9112 §6.3, §11.2).
//
// This is the reference parser: every line of every head is read and checked. With the
// `repeat-heads` trick on (server/engine.ts), _repeat-heads.ts lets it skip reading bytes that
// repeat the previous head on the connection; the parser-split tests compare the two.
//
// Over 300 lines on purpose: one state machine whose checks must agree with each other about
// where a request ends; split, they could drift apart. Chunked bodies are chunked-decoder.ts.
import { ALPHA, AUTHORITY, COLON, CR, FIELD_VALUE, HTAB, LF, SP, TARGET, TOKEN, isHostValue, isToken, latin1 } from './_chars.ts';
import { ChunkedDecoder } from './chunked-decoder.ts';
import { HttpError, badRequest } from './errors.ts';
import * as H from './_header-names.ts';
import type { HeaderName } from './_header-names.ts';
import { RepeatedHeads } from './_repeat-heads.ts';

export interface ParserLimits {
  /** Longest request line, in bytes (414 past it). */
  maxRequestLineBytes: number;
  /** Largest head (request line and header fields), in bytes (431 past it). */
  maxHeaderBytes: number;
  /** Most header fields in one request (431 past it). */
  maxHeaders: number;
  /** Largest request body, in bytes (413 past it). */
  maxBodyBytes: number;
}

export interface RequestHead {
  method: string;
  target: string;
  /** 0 for HTTP/1.0, 1 for HTTP/1.1. */
  minor: number;
  /** Fields as received: `[name, value, name, value, …]`. */
  rawHeaders: string[];
  /** What each field name means, one entry per pair in `rawHeaders`. */
  names: HeaderName[];
  /** Declared body length; -1 when there is none, -2 when chunked. */
  contentLength: number;
  keepAlive: boolean;
  expectContinue: boolean;
}

/** Where the body goes as it is read; the head is taken with `takeHead()` instead. */
export interface BodyEvents {
  onBody(chunk: Buffer): void;
  /** The last body byte was read (only for a request that has a body). */
  onBodyEnd(): void;
}

const SLASH = 0x2f;
const STAR = 0x2a;
const QUESTION = 0x3f;

const HEAD = 0;
const BODY_LENGTH = 1;
const BODY_CHUNKED = 2;
const DONE = 3;

// Connection options seen in the head (RFC 9112 §9.3, §9.6), as bits.
const OPT_CLOSE = 1;
const OPT_KEEP_ALIVE = 2;

/** A carry buffer larger than this is dropped between requests rather than kept on an idle connection. */
const KEEP_CARRY_BYTES = 1024;

export class RequestParser {
  private state = HEAD;
  /**
   * An incomplete line carried over from earlier packets: `carry[0..carried]`. It grows by
   * doubling, so a head trickled in one byte per packet costs linear time, not quadratic.
   */
  private carry: Buffer | null = null;
  private carried = 0;
  private headBytes = 0;
  private head: RequestHead | null = null;
  private remaining = 0;
  private chunked: ChunkedDecoder | null = null;
  // Facts gathered while reading fields, checked once the head is complete.
  private hosts = 0;
  private transferEncoding: string | null = null;
  private connectionOptions = 0;
  /** A head read and not yet taken by the caller (`takeHead()`). */
  private ready: RequestHead | null = null;
  /** The `repeat-heads` trick's memory of the previous head, or null in the reference parser. */
  private readonly repeat: RepeatedHeads | null;

  /** The request line limit, never more than the head limit allows (so 414 and 431 cannot swap). */
  private readonly maxLine: number;

  constructor(
    private readonly limits: ParserLimits,
    private readonly events: BodyEvents,
    repeatHeads = false,
  ) {
    this.maxLine = Math.min(limits.maxRequestLineBytes, limits.maxHeaderBytes - 2);
    this.repeat = repeatHeads ? new RepeatedHeads() : null;
  }

  /** True between the first byte of a request and the end of its body. */
  get inMessage(): boolean {
    return this.state !== HEAD || this.headBytes > 0 || this.carried > 0;
  }

  /** True once a whole request has been read; `reset()` readies the parser for the next one. */
  get complete(): boolean {
    return this.state === DONE;
  }

  /** The head just read, once: the caller calls the app with it before the body is read. */
  takeHead(): RequestHead | null {
    const head = this.ready;
    this.ready = null;
    return head;
  }

  reset(): void {
    this.state = HEAD;
    this.carried = 0;
    if (this.carry !== null && this.carry.length > KEEP_CARRY_BYTES) this.carry = null;
    this.headBytes = 0;
    this.head = null;
    this.chunked = null;
    this.hosts = 0;
    this.transferEncoding = null;
    this.connectionOptions = 0;
  }

  /**
   * Parses from `pos`; returns the index it stopped at: the end of `buf`, the first byte after a
   * head (take it with `takeHead()`; the body is read by the next call), or the first byte after
   * a complete request (the next pipelined request waits there until the caller resets).
   * Throws HttpError on a malformed request.
   */
  execute(buf: Buffer, pos: number): number {
    if (this.state === HEAD) return this.readHead(buf, pos);
    if (this.state === BODY_LENGTH) {
      const take = Math.min(this.remaining, buf.length - pos);
      if (take > 0) {
        this.remaining -= take;
        this.events.onBody(buf.subarray(pos, pos + take));
        pos += take;
      }
      if (this.remaining === 0) this.finish();
    } else if (this.state === BODY_CHUNKED) {
      const decoder = this.chunked!;
      pos = decoder.execute(buf, pos);
      if (decoder.done) this.finish();
    }
    return pos;
  }

  private finish(): void {
    this.state = DONE;
    this.events.onBodyEnd();
  }

  private readHead(buf: Buffer, pos: number): number {
    if (this.carried > 0) {
      // Finish the carried-over line with bytes from this packet, then carry on in `buf` itself.
      const lf = buf.indexOf(LF, pos);
      if (lf === -1) {
        this.guardLength(this.carried + buf.length - pos, buf[buf.length - 1] === CR);
        this.append(buf, pos, buf.length);
        return buf.length;
      }
      this.append(buf, pos, lf + 1);
      const length = this.carried;
      this.carried = 0;
      // Field names and values are copied out as strings, so the carry buffer is free again after.
      this.line(this.carry!, 0, length - 1);
      this.repeat?.lineCarried();
      pos = lf + 1;
      if (this.state !== HEAD) return pos;
    }
    while (true) {
      const head = this.head;
      if (this.repeat !== null && head !== null && head.names.length === 0) {
        const length = this.repeat.blockAt(buf, pos, this.limits.maxHeaderBytes - this.headBytes);
        if (length > 0) {
          this.takeRepeatedFields(head, length);
          return pos + length;
        }
      }
      const lf = buf.indexOf(LF, pos);
      if (lf === -1) {
        if (pos < buf.length) {
          this.guardLength(buf.length - pos, buf[buf.length - 1] === CR);
          this.append(buf, pos, buf.length);
        }
        return buf.length;
      }
      this.line(buf, pos, lf);
      pos = lf + 1;
      if (this.state !== HEAD) return pos;
    }
  }

  private append(buf: Buffer, start: number, end: number): void {
    const need = this.carried + end - start;
    let carry = this.carry;
    if (carry === null || carry.length < need) {
      const grown = Buffer.allocUnsafe(Math.max(need, 2 * (carry?.length ?? 0), 256));
      if (carry !== null) carry.copy(grown, 0, 0, this.carried);
      this.carry = carry = grown;
    }
    buf.copy(carry, this.carried, start, end);
    this.carried = need;
  }

  /**
   * Refuses an unfinished line that is already too long to ever be accepted, so a client cannot
   * make us hold an endless line. `pending` bytes have arrived; a CR at their end may be the start
   * of the line's CRLF, so it is not counted. The checks are `line()`'s, on a length that can only
   * grow: a line refused here would be refused with the same status had it arrived whole.
   */
  private guardLength(pending: number, endsWithCR: boolean): void {
    this.checkLength(endsWithCR ? pending - 1 : pending);
  }

  /**
   * Limits on a head line of `length` bytes (without its CRLF): 414 for the request line, 431
   * when the head (request line and field lines, each with its CRLF) would pass the limit.
   */
  private checkLength(length: number): void {
    if (length === 0) return;
    if (this.head === null && length > this.maxLine) throw new HttpError(414, 'request line too long');
    if (this.headBytes + length + 2 > this.limits.maxHeaderBytes) {
      throw new HttpError(431, 'request header fields too large');
    }
  }

  /** One line of the head, `buf[start..lf]`, where `buf[lf]` is the LF. */
  private line(buf: Buffer, start: number, lf: number): void {
    const end = lf > start && buf[lf - 1] === CR ? lf - 1 : lf;
    // Length before syntax, so the verdict does not depend on whether guardLength saw the line first.
    this.checkLength(end - start);
    if (end === lf) throw badRequest('lines must end with CRLF, not a bare LF');
    if (end > start) this.headBytes += end - start + 2;
    if (this.head === null) {
      // RFC 9112 §2.2: ignore empty lines before the request line (some clients send one after a body).
      if (end === start) return;
      this.requestLine(buf, start, end);
      this.repeat?.fieldsBegin(buf === this.carry ? null : buf, lf + 1);
    } else if (end === start) {
      const head = this.head;
      this.endOfHead(head);
      this.repeat?.headRead(head, buf, lf + 1, this.transferEncoding === null, this.hosts, this.connectionOptions);
    } else {
      this.field(this.head, buf, start, end);
    }
  }

  private requestLine(buf: Buffer, start: number, end: number): void {
    let i = start;
    while (i < end && TOKEN[buf[i]!] === 1) i++;
    if (i === start || buf[i] !== SP) throw badRequest('malformed method in request line');
    const method = methodName(buf, start, i);
    let j = i + 1;
    let target = this.repeat === null ? null : this.repeat.target(buf, j);
    if (target !== null) j += target.length;
    else {
      while (j < end && TARGET[buf[j]!] === 1) j++;
      if (j === i + 1 || buf[j] !== SP) throw badRequest('malformed request target');
      // CONNECT's authority-form is refused later with 501, so its target is not checked here.
      if (buf[i + 1] !== SLASH && method !== 'CONNECT') checkTargetForm(buf, i + 1, j);
      target = latin1(buf, i + 1, j);
    }
    const minor = httpVersion(buf, j + 1, end);
    this.head = {
      method,
      target,
      minor,
      rawHeaders: [],
      names: [],
      contentLength: -1,
      keepAlive: false,
      expectContinue: false,
    };
  }

  private field(head: RequestHead, buf: Buffer, start: number, end: number): void {
    const index = head.names.length;
    const repeat = this.repeat;
    let name = repeat === null ? null : repeat.name(index, buf, start);
    let meaning: HeaderName | null = null;
    let i = start;
    if (name !== null) {
      meaning = repeat!.meaning(index);
      i = start + name.length;
    } else {
      while (i < end && TOKEN[buf[i]!] === 1) i++;
      // A space before the colon, or a line starting with whitespace (obs-fold), is refused
      // outright: RFC 9112 §5.1 and §5.2.
      if (i === start || buf[i] !== COLON) throw badRequest('malformed header field name');
    }
    if (index >= this.limits.maxHeaders) throw new HttpError(431, 'too many header fields');
    let v = i + 1;
    while (v < end && (buf[v] === SP || buf[v] === HTAB)) v++;
    let e = end;
    while (e > v && (buf[e - 1] === SP || buf[e - 1] === HTAB)) e--;
    let value = repeat === null ? null : repeat.value(index, buf, v, e);
    if (value === null) {
      for (let k = v; k < e; k++) {
        if (FIELD_VALUE[buf[k]!] !== 1) throw badRequest('control character in a header field value');
      }
      value = latin1(buf, v, e);
    }
    repeat?.fieldRead(index, name !== null, value);
    name ??= latin1(buf, start, i);
    meaning ??= H.headerName(name);
    head.rawHeaders.push(name, value);
    head.names.push(meaning);
    switch (meaning.kind) {
      case H.HOST:
        // RFC 9112 §3.2: more than one Host field, or an invalid Host value, gets 400.
        if (++this.hosts > 1) throw badRequest('more than one Host header field');
        if (!isHostValue(value)) throw badRequest('invalid Host header value');
        break;
      case H.CONTENT_LENGTH:
        // RFC 9110 §8.6 lets a recipient accept a repeat that carries the same value; llhttp
        // refuses any repeat, and so do we: a second field is a sign of a smuggling attempt.
        if (head.contentLength !== -1) throw badRequest('more than one Content-Length field');
        head.contentLength = contentLength(value);
        break;
      case H.TRANSFER_ENCODING:
        this.transferEncoding = this.transferEncoding === null ? value : `${this.transferEncoding}, ${value}`;
        break;
      case H.CONNECTION:
        this.connectionOptions |= connectionOptions(value);
        break;
      case H.PROXY_CONNECTION:
        // Only its `close` is honoured: closing is always safe, and llhttp closes on it too.
        this.connectionOptions |= connectionOptions(value) & OPT_CLOSE;
        break;
      case H.EXPECT:
        // RFC 9110 §10.1.1: 100-continue is the only expectation defined; others get 417.
        if (value.toLowerCase() !== '100-continue') throw new HttpError(417, 'unsupported expectation');
        head.expectContinue = true;
        break;
    }
  }

  /** The previous head's fields again (_repeat-heads.ts): the same checks, without the reading. */
  private takeRepeatedFields(head: RequestHead, length: number): void {
    const repeat = this.repeat!;
    repeat.takeBlock(head);
    this.hosts = repeat.blockHosts;
    this.connectionOptions = repeat.blockOptions;
    this.headBytes += length - 2;
    this.endOfHead(head);
    repeat.headRead(head, null, 0, true, this.hosts, this.connectionOptions);
  }

  private endOfHead(head: RequestHead): void {
    if (head.minor === 1 && this.hosts === 0) throw badRequest('HTTP/1.1 request without a Host header');
    if (head.method === 'CONNECT') throw new HttpError(501, 'CONNECT is not supported');
    // RFC 9112 §9.3: 1.1 persists unless `close` is sent; 1.0 only with `keep-alive`. A `close`
    // anywhere wins, whatever the order of the options.
    const options = this.connectionOptions;
    head.keepAlive = (options & OPT_CLOSE) === 0 && (head.minor === 1 || (options & OPT_KEEP_ALIVE) !== 0);
    if (this.transferEncoding !== null) {
      this.checkTransferEncoding(head, this.transferEncoding);
      head.contentLength = -2;
      this.chunked = new ChunkedDecoder(this.limits.maxBodyBytes, this.limits.maxHeaderBytes, (chunk) =>
        this.events.onBody(chunk),
      );
      this.state = BODY_CHUNKED;
    } else if (head.contentLength > 0) {
      if (head.contentLength > this.limits.maxBodyBytes) throw new HttpError(413, 'request body over the limit');
      this.remaining = head.contentLength;
      this.state = BODY_LENGTH;
    } else {
      this.state = DONE;
    }
    this.ready = head;
  }

  /** RFC 9112 §6.1 and §6.3: only a single, final `chunked` is accepted, and never beside Content-Length. */
  private checkTransferEncoding(head: RequestHead, value: string): void {
    if (head.minor === 0) throw badRequest('Transfer-Encoding in an HTTP/1.0 request');
    if (head.contentLength !== -1) throw badRequest('both Transfer-Encoding and Content-Length');
    const codings = value.split(',');
    const last = codings[codings.length - 1]!.trim().toLowerCase();
    if (last !== 'chunked') {
      if (codings.length === 1 && last !== '' && isToken(last)) {
        throw new HttpError(501, `transfer coding "${last}" is not supported`);
      }
      throw badRequest('Transfer-Encoding must end with chunked');
    }
    if (codings.length > 1) {
      for (let i = 0; i < codings.length - 1; i++) {
        const coding = codings[i]!.trim().toLowerCase();
        if (coding === 'chunked' || coding === '' || !isToken(coding)) {
          throw badRequest('chunked must be applied once, last');
        }
      }
      throw new HttpError(501, 'transfer codings other than chunked are not supported');
    }
  }
}

/** Content-Length is 1*DIGIT (RFC 9110 §8.6): no sign, no list, no spaces inside. */
function contentLength(value: string): number {
  if (value.length === 0) throw badRequest('empty Content-Length');
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    const d = value.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) throw badRequest('Content-Length must be digits only');
    n = n * 10 + d;
  }
  // Past 2^53 the sum is no longer exact; anything that large is over every body limit anyway.
  if (n > Number.MAX_SAFE_INTEGER) throw new HttpError(413, 'Content-Length too large');
  return n;
}

/** The options of a Connection field (RFC 9110 §7.6.1) that the parser acts on, as bits. */
function connectionOptions(value: string): number {
  // The common single-option values need no splitting.
  if (value === 'keep-alive') return OPT_KEEP_ALIVE;
  if (value === 'close') return OPT_CLOSE;
  let options = 0;
  for (const option of value.toLowerCase().split(',')) {
    const token = option.trim();
    if (token === 'close') options |= OPT_CLOSE;
    else if (token === 'keep-alive') options |= OPT_KEEP_ALIVE;
  }
  return options;
}

/**
 * The request-target forms other than origin-form (RFC 9112 §3.2): asterisk-form is exactly `*`
 * (environ.ts allows it only for OPTIONS), absolute-form is `scheme://authority` followed by a
 * path, a query or nothing. The scheme and authority characters are the ones llhttp accepts, so
 * a target one of the two parsers refuses is refused by both.
 */
function checkTargetForm(buf: Buffer, start: number, end: number): void {
  if (buf[start] === STAR && end === start + 1) return;
  let i = start;
  while (i < end && ALPHA[buf[i]!] === 1) i++;
  if (i === start || buf[i] !== COLON || buf[i + 1] !== SLASH || buf[i + 2] !== SLASH) {
    throw badRequest('request target must be origin-form ("/…"), absolute-form ("http://…") or "*"');
  }
  i += 3;
  while (i < end && AUTHORITY[buf[i]!] === 1) i++;
  if (i < end && buf[i] !== SLASH && buf[i] !== QUESTION) throw badRequest('malformed authority in request target');
}

/** HTTP-version = "HTTP/" DIGIT "." DIGIT (RFC 9112 §2.3); 1.0 and 1.1 served, others 505. */
function httpVersion(buf: Buffer, start: number, end: number): number {
  const ok =
    end - start === 8 &&
    buf[start] === 0x48 &&
    buf[start + 1] === 0x54 &&
    buf[start + 2] === 0x54 &&
    buf[start + 3] === 0x50 &&
    buf[start + 4] === 0x2f &&
    buf[start + 6] === 0x2e;
  const major = (buf[start + 5] ?? 0) - 0x30;
  const minor = (buf[start + 7] ?? 0) - 0x30;
  if (!ok || major < 0 || major > 9 || minor < 0 || minor > 9) throw badRequest('malformed HTTP version');
  if (major !== 1 || minor > 1) throw new HttpError(505, `HTTP/${major}.${minor} is not supported`);
  return minor;
}

/** The common methods come back as shared string constants rather than fresh slices. */
function methodName(buf: Buffer, start: number, end: number): string {
  const len = end - start;
  const c = buf[start];
  if (len === 3 && c === 0x47 && buf[start + 1] === 0x45 && buf[start + 2] === 0x54) return 'GET';
  if (len === 4 && c === 0x50 && buf[start + 1] === 0x4f && buf[start + 2] === 0x53 && buf[start + 3] === 0x54) {
    return 'POST';
  }
  if (len === 4 && c === 0x48 && buf[start + 1] === 0x45 && buf[start + 2] === 0x41 && buf[start + 3] === 0x44) {
    return 'HEAD';
  }
  return latin1(buf, start, end);
}
