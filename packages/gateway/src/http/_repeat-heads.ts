// The `repeat-heads` trick (server/engine.ts): a keep-alive client repeats most of its head byte
// for byte (same target, same Host, same User-Agent…), so the parser compares what arrives with
// the previous head on the connection and reuses its strings where the bytes match. A byte
// comparison costs less than making a string (about 0.1 µs a field), and a reused name needs no
// lookup of its meaning. Better still, when the whole block of header fields repeats (a browser
// asking for page after page, a poller, a health check, a benchmark), one memcmp tells it and
// only the request line is read. What it buys: see bench/README.md, `--only engine`.
//
// Safety: only strings that passed the reference checks are kept, in a copy the app never sees
// (an app may change `gateway.raw_headers`), and a string is reused only when the bytes now
// arriving are exactly those of that string. The parser-split tests run every stream through the
// parser with and without this module and require the same events, errors included.
import { COLON, latin1 } from './_chars.ts';
import type { HeaderName } from './_header-names.ts';
import type { RequestHead } from './parser.ts';

/** The largest block of header fields kept for the whole-block check. */
const BLOCK_BYTES = 2048;
/** Past this length a string made from the bytes compares faster than a loop over them. */
const COMPARE_BY_SLICE = 24;

export class RepeatedHeads {
  /** The previous head's target, field names and values (a private copy), and their meanings. */
  private target_: string | null = null;
  private fields: string[] = [];
  private names: HeaderName[] = [];
  private contentLength = -1;
  private expectContinue = false;
  /** The previous head's header field lines as bytes, first field to blank line, while they repeat. */
  private block: Buffer | null = null;
  blockHosts = 0;
  blockOptions = 0;
  /** While a head is read: whether every field so far matched the previous head's. */
  private repeating = false;
  /** The buffer the fields of the head being read began in, and where; null once a line came through the carry. */
  private fieldsBuf: Buffer | null = null;
  private fieldsStart = 0;

  /** The previous target, if the bytes at `pos` spell it followed by a space. */
  target(buf: Buffer, pos: number): string | null {
    const known = this.target_;
    if (known === null || buf[pos + known.length] !== 0x20 || !sameBytes(buf, pos, pos + known.length, known)) return null;
    return known;
  }

  /** After the request line: the header fields begin at `start` in `buf` (null: in the carry). */
  fieldsBegin(buf: Buffer | null, start: number): void {
    this.fieldsBuf = buf;
    this.fieldsStart = start;
    this.repeating = this.target_ !== null;
  }

  /** A line was finished from the carry: the block is not in one buffer. */
  lineCarried(): void {
    this.fieldsBuf = null;
  }

  /** The previous head's name at `index`, if the bytes at `start` spell it followed by a colon. */
  name(index: number, buf: Buffer, start: number): string | null {
    if (index >= this.names.length) return null;
    const known = this.fields[2 * index]!;
    if (buf[start + known.length] !== COLON || !sameBytes(buf, start, start + known.length, known)) return null;
    return known;
  }

  meaning(index: number): HeaderName {
    return this.names[index]!;
  }

  /** The previous head's value at `index`, if `buf[start..end]` holds exactly its bytes. */
  value(index: number, buf: Buffer, start: number, end: number): string | null {
    if (index >= this.names.length) return null;
    const known = this.fields[2 * index + 1]!;
    return sameBytes(buf, start, end, known) ? known : null;
  }

  /** A field was read: the block repeats only while every field is the previous one again. */
  fieldRead(index: number, nameReused: boolean, value: string): void {
    if (this.repeating && (!nameReused || value !== this.fields[2 * index + 1])) this.repeating = false;
  }

  /** The length of the kept block if `buf` at `pos` holds it and the head stays within `room` bytes, else 0. */
  blockAt(buf: Buffer, pos: number, room: number): number {
    const block = this.block;
    if (block === null) return 0;
    const end = pos + block.length;
    // Each field line counts with its CRLF; the blank line does not.
    if (end > buf.length || block.length - 2 > room) return 0;
    return buf.compare(block, 0, block.length, pos, end) === 0 ? block.length : 0;
  }

  /** Fills `head` with the previous head's fields (the block matched). */
  takeBlock(head: RequestHead): void {
    head.rawHeaders = this.fields.slice(); // the app may change its copy, never ours
    head.names = this.names;
    head.contentLength = this.contentLength;
    head.expectContinue = this.expectContinue;
  }

  /**
   * A head was read and checked. Remembers its strings, and its block of fields (`buf` up to
   * `end`) when that block repeats the previous one's and lay in one buffer.
   */
  headRead(head: RequestHead, buf: Buffer | null, end: number, noTransferEncoding: boolean, hosts: number, options: number): void {
    if (buf === null) {
      // The block itself matched: the kept strings and block stay as they are.
      this.target_ = head.target;
      return;
    }
    // Every field was the previous one again, and there were as many: the same fields.
    const same = this.repeating && head.names.length === this.names.length;
    const keep =
      same && buf === this.fieldsBuf && noTransferEncoding && end - this.fieldsStart <= BLOCK_BYTES;
    this.block = keep ? Buffer.from(buf.subarray(this.fieldsStart, end)) : null;
    this.blockHosts = hosts;
    this.blockOptions = options;
    this.target_ = head.target;
    if (!same) {
      this.fields = head.rawHeaders.slice();
      this.names = head.names;
    }
    this.contentLength = head.contentLength;
    this.expectContinue = head.expectContinue;
    this.fieldsBuf = null;
  }
}

/** Whether `buf[start..end]` holds exactly the latin-1 string `s`. */
function sameBytes(buf: Buffer, start: number, end: number, s: string): boolean {
  if (end - start !== s.length || end > buf.length) return false;
  // A loop costs about 1.6 ns a byte, making a string about 55 ns plus a memcmp.
  if (s.length > COMPARE_BY_SLICE) return latin1(buf, start, end) === s;
  for (let k = 0; k < s.length; k++) if (s.charCodeAt(k) !== buf[start + k]) return false;
  return true;
}
