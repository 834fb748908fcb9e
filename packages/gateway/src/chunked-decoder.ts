// Decodes a chunked request body (RFC 9112 §7.1) byte by byte, so a body split across packets at
// any byte decodes the same as one that arrives whole. Strict: hex sizes only, well-formed chunk
// extensions, CRLF everywhere, trailer fields checked like header fields and then dropped (the
// interface has no place for them, as WSGI has none).
import { COLON, CR, FIELD_VALUE, HEX, HTAB, LF, SP, TOKEN } from './_chars.ts';
import { HttpError, badRequest } from './errors.ts';

const SIZE_START = 0;
const SIZE = 1;
const SIZE_BWS = 2; // whitespace after the size, before `;`
const EXT_NAME_START = 3;
const EXT_NAME = 4;
const EXT_AFTER_NAME = 5;
const EXT_VALUE_START = 6;
const EXT_VALUE_TOKEN = 7;
const EXT_QUOTED = 8;
const EXT_QUOTED_ESCAPE = 9;
const EXT_AFTER_VALUE = 10;
const SIZE_LF = 11;
const DATA = 12;
const DATA_CR = 13;
const DATA_LF = 14;
const TRAILER_START = 15;
const TRAILER_NAME = 16;
const TRAILER_VALUE = 17;
const TRAILER_LF = 18;
const END_LF = 19;
export const DONE = 20;

/** Bytes of chunk-size line (size and extensions) one chunk may carry before it is refused. */
const MAX_CHUNK_LINE = 4096;
/** Hex digits in a chunk size: 13 already exceed Number.MAX_SAFE_INTEGER's 53 bits. */
const MAX_SIZE_DIGITS = 13;

export class ChunkedDecoder {
  private state = SIZE_START;
  private size = 0;
  private digits = 0;
  private lineBytes = 0;
  private trailerBytes = 0;
  private total = 0;

  constructor(
    private readonly maxBodyBytes: number,
    private readonly maxTrailerBytes: number,
    private readonly onData: (chunk: Buffer) => void,
  ) {}

  get done(): boolean {
    return this.state === DONE;
  }

  /** Consumes bytes from `buf` at `pos`; returns where it stopped (the end, or just past the body). */
  execute(buf: Buffer, pos: number): number {
    const end = buf.length;
    while (pos < end) {
      const state = this.state;
      if (state === DATA) {
        const take = Math.min(this.size, end - pos);
        this.size -= take;
        this.onData(buf.subarray(pos, pos + take));
        pos += take;
        if (this.size === 0) this.state = DATA_CR;
        continue;
      }
      if (state === DONE) return pos;
      this.step(buf[pos]!);
      pos++;
    }
    return pos;
  }

  private step(c: number): void {
    switch (this.state) {
      case SIZE_START:
      case SIZE: {
        const v = HEX[c]!;
        if (v >= 0) {
          if (++this.digits > MAX_SIZE_DIGITS) throw new HttpError(413, 'chunk size too large');
          this.size = this.size * 16 + v;
          this.state = SIZE;
          this.countLine();
          return;
        }
        if (this.state === SIZE_START) throw badRequest('chunk size must start with a hex digit');
        this.afterSize(c);
        return;
      }
      case SIZE_BWS:
        if (c === SP || c === HTAB) return this.countLine();
        if (c === 0x3b) return this.enter(EXT_NAME_START);
        throw badRequest('whitespace after a chunk size must lead to a chunk extension');
      case EXT_NAME_START:
        if (c === SP || c === HTAB) return this.countLine();
        if (TOKEN[c] === 1) return this.enter(EXT_NAME);
        throw badRequest('chunk extension without a name');
      case EXT_NAME:
        if (TOKEN[c] === 1) return this.countLine();
        return this.afterExtName(c);
      case EXT_AFTER_NAME:
        return this.afterExtName(c);
      case EXT_VALUE_START:
        if (c === SP || c === HTAB) return this.countLine();
        if (c === 0x22) return this.enter(EXT_QUOTED);
        if (TOKEN[c] === 1) return this.enter(EXT_VALUE_TOKEN);
        throw badRequest('chunk extension value must be a token or a quoted string');
      case EXT_VALUE_TOKEN:
        if (TOKEN[c] === 1) return this.countLine();
        return this.afterExtValue(c);
      case EXT_QUOTED:
        if (c === 0x22) return this.enter(EXT_AFTER_VALUE);
        if (c === 0x5c) return this.enter(EXT_QUOTED_ESCAPE);
        // qdtext = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text (RFC 9110 §5.6.4)
        if (c === HTAB || (c >= 0x20 && c !== 0x7f)) return this.countLine();
        throw badRequest('control character in a quoted chunk extension');
      case EXT_QUOTED_ESCAPE:
        if (c === HTAB || (c >= 0x20 && c !== 0x7f)) return this.enter(EXT_QUOTED);
        throw badRequest('bad escape in a quoted chunk extension');
      case EXT_AFTER_VALUE:
        return this.afterExtValue(c);
      case SIZE_LF:
        if (c !== LF) throw badRequest('chunk size line must end with CRLF');
        this.lineBytes = 0;
        this.digits = 0;
        if (this.size === 0) {
          this.state = TRAILER_START;
          return;
        }
        this.total += this.size;
        if (this.total > this.maxBodyBytes) throw new HttpError(413, 'request body over the limit');
        this.state = DATA;
        return;
      case DATA_CR:
        if (c !== CR) throw badRequest('chunk data must be followed by CRLF');
        this.state = DATA_LF;
        return;
      case DATA_LF:
        if (c !== LF) throw badRequest('chunk data must be followed by CRLF');
        this.state = SIZE_START;
        return;
      case TRAILER_START:
        if (c === CR) return void (this.state = END_LF);
        if (TOKEN[c] === 1) return this.trailer(TRAILER_NAME);
        throw badRequest('malformed trailer field');
      case TRAILER_NAME:
        if (TOKEN[c] === 1) return this.trailer(TRAILER_NAME);
        if (c === COLON) return this.trailer(TRAILER_VALUE);
        throw badRequest('malformed trailer field name');
      case TRAILER_VALUE:
        if (c === CR) return this.trailer(TRAILER_LF);
        if (FIELD_VALUE[c] === 1) return this.trailer(TRAILER_VALUE);
        throw badRequest('control character in a trailer field');
      case TRAILER_LF:
        if (c !== LF) throw badRequest('trailer field must end with CRLF');
        return this.trailer(TRAILER_START);
      case END_LF:
        if (c !== LF) throw badRequest('chunked body must end with CRLF');
        this.state = DONE;
        return;
    }
  }

  private afterSize(c: number): void {
    if (c === CR) return void (this.state = SIZE_LF);
    if (c === SP || c === HTAB) return this.enter(SIZE_BWS);
    if (c === 0x3b) return this.enter(EXT_NAME_START);
    throw badRequest('chunk size must be hex digits');
  }

  private afterExtName(c: number): void {
    if (c === SP || c === HTAB) return this.enter(EXT_AFTER_NAME);
    if (c === 0x3d) return this.enter(EXT_VALUE_START);
    return this.afterExtValue(c);
  }

  private afterExtValue(c: number): void {
    if (c === 0x3b) return this.enter(EXT_NAME_START);
    if (c === CR) return void (this.state = SIZE_LF);
    if (c === SP || c === HTAB) return this.enter(EXT_AFTER_VALUE);
    throw badRequest('malformed chunk extension');
  }

  private enter(state: number): void {
    this.state = state;
    this.countLine();
  }

  private countLine(): void {
    if (++this.lineBytes > MAX_CHUNK_LINE) throw badRequest('chunk extensions too long');
  }

  private trailer(state: number): void {
    this.state = state;
    if (++this.trailerBytes > this.maxTrailerBytes) throw new HttpError(431, 'trailer fields too large');
  }
}
