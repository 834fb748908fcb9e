// Decodes a chunked request body (RFC 9112 §7.1) byte by byte, so a body split across packets at
// any byte decodes the same as one that arrives whole. Strict: hex sizes only, well-formed chunk
// extensions, CRLF everywhere, trailer fields checked like header fields and then dropped (the
// interface has no place for them, as WSGI has none).
//
// Stricter than the RFC 9112 §7.1.1 grammar in one place, as llhttp is: the grammar allows "bad
// whitespace" (BWS) around `;` and `=` in chunk extensions, and whitespace after the size has been
// the lever of several smuggling attacks (a front end that ignores it and a back end that does
// not disagree about where a chunk ends). No whitespace is accepted anywhere in a chunk-size line.
import { COLON, CR, FIELD_VALUE, HEX, HTAB, LF, TOKEN } from './_chars.ts';
import { HttpError, badRequest } from './errors.ts';

const SIZE_START = 0;
const SIZE = 1;
const EXT_NAME_START = 2; // just after `;`
const EXT_NAME = 3;
const EXT_VALUE_START = 4; // just after `=`
const EXT_VALUE_TOKEN = 5;
const EXT_QUOTED = 6;
const EXT_QUOTED_ESCAPE = 7;
const EXT_AFTER_QUOTED = 8;
const SIZE_LF = 9;
const DATA = 10;
const DATA_CR = 11;
const DATA_LF = 12;
const TRAILER_START = 13;
const TRAILER_NAME = 14;
const TRAILER_VALUE = 15;
const TRAILER_LF = 16;
const END_LF = 17;
export const DONE = 18;

const SEMICOLON = 0x3b;
const EQUALS = 0x3d;
const DQUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Bytes of chunk-size line (size and extensions) one chunk may carry before it is refused. */
const MAX_CHUNK_LINE = 4096;
/** A size at or past this would lose precision at the next hex digit (2^53 is the exact limit). */
const MAX_SIZE_BEFORE_DIGIT = 2 ** 48;

// Trailer names that would change the framing if a later hop merged trailers into the header
// section; RFC 9110 §6.5.1 forbids them in trailers and llhttp refuses them.
const CONTENT_LENGTH = Buffer.from('content-length', 'latin1');
const TRANSFER_ENCODING = Buffer.from('transfer-encoding', 'latin1');
const MAYBE_CL = 1;
const MAYBE_TE = 2;

export class ChunkedDecoder {
  private state = SIZE_START;
  private size = 0;
  private lineBytes = 0;
  private trailerBytes = 0;
  private total = 0;
  /** Bytes of the current trailer name so far, and which framing names it could still be. */
  private nameLength = 0;
  private nameMatch = 0;

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
          // Leading zeros are allowed (llhttp allows them); only the value is bounded.
          if (this.size >= MAX_SIZE_BEFORE_DIGIT) throw new HttpError(413, 'chunk size too large');
          this.size = this.size * 16 + v;
          this.state = SIZE;
          return this.countLine();
        }
        if (this.state === SIZE_START) throw badRequest('chunk size must start with a hex digit');
        if (c === CR) return void (this.state = SIZE_LF);
        if (c === SEMICOLON) return this.enter(EXT_NAME_START);
        throw badRequest('chunk size must be hex digits followed by CRLF or ";"');
      }
      // chunk-ext = *( ";" token [ "=" ( token / quoted-string ) ] ), without BWS (see above).
      case EXT_NAME_START:
        if (TOKEN[c] === 1) return this.enter(EXT_NAME);
        throw badRequest('chunk extension without a name');
      case EXT_NAME:
        if (TOKEN[c] === 1) return this.countLine();
        if (c === EQUALS) return this.enter(EXT_VALUE_START);
        return this.afterExtension(c);
      case EXT_VALUE_START:
        if (c === DQUOTE) return this.enter(EXT_QUOTED);
        if (TOKEN[c] === 1) return this.enter(EXT_VALUE_TOKEN);
        throw badRequest('chunk extension value must be a token or a quoted string');
      case EXT_VALUE_TOKEN:
        if (TOKEN[c] === 1) return this.countLine();
        return this.afterExtension(c);
      case EXT_QUOTED:
        if (c === DQUOTE) return this.enter(EXT_AFTER_QUOTED);
        if (c === BACKSLASH) return this.enter(EXT_QUOTED_ESCAPE);
        // qdtext = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text (RFC 9110 §5.6.4)
        if (c === HTAB || (c >= 0x20 && c !== 0x7f)) return this.countLine();
        throw badRequest('control character in a quoted chunk extension');
      case EXT_QUOTED_ESCAPE:
        // quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text )
        if (c === HTAB || (c >= 0x20 && c !== 0x7f)) return this.enter(EXT_QUOTED);
        throw badRequest('bad escape in a quoted chunk extension');
      case EXT_AFTER_QUOTED:
        return this.afterExtension(c);
      case SIZE_LF:
        if (c !== LF) throw badRequest('chunk size line must end with CRLF');
        this.lineBytes = 0;
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
      // trailer-section = *( field-line CRLF ), checked as strictly as the header section.
      case TRAILER_START:
        if (c === CR) return void (this.state = END_LF);
        if (TOKEN[c] === 1) {
          this.nameLength = 0;
          this.nameMatch = MAYBE_CL | MAYBE_TE;
          this.matchName(c);
          return this.trailer(TRAILER_NAME);
        }
        throw badRequest('malformed trailer field');
      case TRAILER_NAME:
        if (TOKEN[c] === 1) {
          this.matchName(c);
          return this.trailer(TRAILER_NAME);
        }
        if (c === COLON) {
          if (
            ((this.nameMatch & MAYBE_CL) !== 0 && this.nameLength === CONTENT_LENGTH.length) ||
            ((this.nameMatch & MAYBE_TE) !== 0 && this.nameLength === TRANSFER_ENCODING.length)
          ) {
            throw badRequest('Content-Length and Transfer-Encoding are not allowed in trailers');
          }
          return this.trailer(TRAILER_VALUE);
        }
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

  /** After an extension name or value: another extension, or the end of the line. */
  private afterExtension(c: number): void {
    if (c === SEMICOLON) return this.enter(EXT_NAME_START);
    if (c === CR) return void (this.state = SIZE_LF);
    throw badRequest('malformed chunk extension');
  }

  /** Follows the trailer name against the two framing names, case-insensitively, without building a string. */
  private matchName(c: number): void {
    const i = this.nameLength++;
    const lower = c >= 0x41 && c <= 0x5a ? c + 0x20 : c;
    if (CONTENT_LENGTH[i] !== lower) this.nameMatch &= ~MAYBE_CL;
    if (TRANSFER_ENCODING[i] !== lower) this.nameMatch &= ~MAYBE_TE;
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
