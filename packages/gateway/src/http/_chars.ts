// Byte classes from RFC 9110 §5.6.2 (token) and §5.5 (field values), as lookup tables so the
// parser tests one byte with one array read instead of a chain of comparisons.

/** tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA */
export const TOKEN = new Uint8Array(256);
for (const c of "!#$%&'*+-.^_`|~") TOKEN[c.charCodeAt(0)] = 1;
for (let c = 0x30; c <= 0x39; c++) TOKEN[c] = 1;
for (let c = 0x41; c <= 0x5a; c++) TOKEN[c] = 1;
for (let c = 0x61; c <= 0x7a; c++) TOKEN[c] = 1;

/** field-vchar / SP / HTAB: VCHAR, obs-text (0x80–0xFF), space and tab; every other CTL is refused. */
export const FIELD_VALUE = new Uint8Array(256);
for (let c = 0x20; c <= 0x7e; c++) FIELD_VALUE[c] = 1;
for (let c = 0x80; c <= 0xff; c++) FIELD_VALUE[c] = 1;
FIELD_VALUE[0x09] = 1;

/** request-target bytes: visible ASCII only (RFC 9112 §3.2 and RFC 3986 allow nothing else). */
export const TARGET = new Uint8Array(256);
for (let c = 0x21; c <= 0x7e; c++) TARGET[c] = 1;

/** ALPHA: the only characters an absolute-form scheme may hold here (llhttp's rule, narrower than RFC 3986 §3.1). */
export const ALPHA = new Uint8Array(256);
for (let c = 0x41; c <= 0x5a; c++) ALPHA[c] = ALPHA[c + 0x20] = 1;

/**
 * Characters of an absolute-form authority (RFC 3986 §3.2: userinfo "@" host ":" port, with IP
 * literals in brackets): unreserved, sub-delims, "%", ":", "@", "[" and "]". Quotes, braces,
 * backslash and the like are refused here, as llhttp refuses them.
 */
export const AUTHORITY = new Uint8Array(256);
for (const c of "-._~!$&'()*+,;=%:@[]") AUTHORITY[c.charCodeAt(0)] = 1;
for (let c = 0x30; c <= 0x39; c++) AUTHORITY[c] = 1;
for (let c = 0x41; c <= 0x5a; c++) AUTHORITY[c] = AUTHORITY[c + 0x20] = 1;

/** reg-name characters (RFC 3986 §3.2.2): unreserved, sub-delims and "%" of a pct-encoding. */
const REG_NAME = new Uint8Array(256);
for (const c of "-._~!$&'()*+,;=%") REG_NAME[c.charCodeAt(0)] = 1;
for (let c = 0x30; c <= 0x39; c++) REG_NAME[c] = 1;
for (let c = 0x41; c <= 0x5a; c++) REG_NAME[c] = REG_NAME[c + 0x20] = 1;

/**
 * Host = uri-host [ ":" port ] (RFC 9112 §3.2, RFC 3986 §3.2.2–3.2.3): a reg-name or IPv4 address,
 * or an IP literal in brackets, then an optional port of digits. Empty is valid (RFC 9112 §3.2
 * asks for an empty Host when the target has no authority). Checked by character class, not by
 * full address syntax: enough to keep spaces, "/", "@", quotes and the like out of an app's URLs.
 */
export function isHostValue(s: string): boolean {
  const n = s.length;
  let i = 0;
  if (n > 0 && s.charCodeAt(0) === 0x5b) {
    for (i = 1; i < n && s.charCodeAt(i) !== 0x5d; i++) {
      const c = s.charCodeAt(i);
      if (c !== COLON && REG_NAME[c] !== 1) return false;
    }
    if (i === n) return false;
    i++;
  } else {
    while (i < n && REG_NAME[s.charCodeAt(i)] === 1) i++;
  }
  if (i === n) return true;
  if (s.charCodeAt(i) !== COLON) return false;
  for (i++; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/** Hex digit values, -1 for anything else (chunk-size, RFC 9112 §7.1). */
export const HEX = new Int8Array(256).fill(-1);
for (let c = 0; c < 10; c++) HEX[0x30 + c] = c;
for (let c = 0; c < 6; c++) {
  HEX[0x41 + c] = 10 + c;
  HEX[0x61 + c] = 10 + c;
}

export const CR = 0x0d;
export const LF = 0x0a;
export const SP = 0x20;
export const HTAB = 0x09;
export const COLON = 0x3a;

/** True if every character of `s` is a tchar; used for names that come from apps as strings. */
export function isToken(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff || TOKEN[c] !== 1) return false;
  }
  return true;
}

interface Latin1Slicer {
  latin1Slice(start: number, end: number): string;
  latin1Write(text: string, offset: number): number;
}

/**
 * Bytes to a latin-1 string. Buffer#latin1Slice is what `toString('latin1', s, e)` calls after
 * checking its arguments; calling it directly skips that per-header work on the hot path.
 */
export function latin1(buf: Buffer, start: number, end: number): string {
  return (buf as unknown as Latin1Slicer).latin1Slice(start, end);
}

const latin1Slice = (Buffer.prototype as unknown as Latin1Slicer).latin1Slice;

/** Bytes of any Uint8Array (a Buffer or not) as a latin-1 string, one character per byte. */
export function bytesToLatin1(bytes: Uint8Array): string {
  return latin1Slice.call(bytes, 0, bytes.length);
}

/**
 * Writes a latin-1 string into `buf` at `offset`. Buffer#latin1Write is what
 * `write(text, offset, 'latin1')` ends in; the wrapper's argument and encoding checks cost about
 * 20 ns, paid once per response head.
 */
export function writeLatin1(buf: Buffer, text: string, offset: number): number {
  return (buf as unknown as Latin1Slicer).latin1Write(text, offset);
}
