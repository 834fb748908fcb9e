// The HTTP words the server, the composing pieces and the bridges all use, each defined once
// (exported as `@gateway-interop/gateway/http`): which fields are hop-by-hop, what a token and a
// field value may hold, how a status line is spelled, and how a path is percent-decoded. Two
// copies of one of these could disagree, and a disagreement between two sides of a proxy or a
// bridge about what a request means is where smuggling and splitting bugs come from.
import { STATUS_CODES } from 'node:http';
import { isToken } from './_chars.ts';

export { isToken };

/**
 * Fields that describe one connection, not the message (RFC 9110 §7.6.1), and the framing fields
 * (RFC 9112 §6): the server's alone, so an app or a bridged handler never sends them (SPEC 3.4).
 */
export const HOP_BY_HOP: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
]);

/** Whether a field name (any case) is hop-by-hop; see HOP_BY_HOP. */
export function isHopByHop(name: string): boolean {
  return HOP_BY_HOP.has(name.toLowerCase());
}

// field-value (RFC 9110 §5.5): HTAB, SP, VCHAR and obs-text. CR, LF, NUL, other controls and
// characters above U+00FF (which latin-1 cannot carry) are refused, so no value can split a head.
const BAD_FIELD_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

/** Whether `value` may be sent as a field value (RFC 9110 §5.5; surrounding whitespace is the caller's to judge). */
export function isFieldValue(value: string): boolean {
  return !BAD_FIELD_VALUE.test(value);
}

/** The reason phrase node:http and the IANA registry give a code, or '' for one without. */
export function reasonPhrase(code: number): string {
  return STATUS_CODES[code] ?? '';
}

/** `NNN Reason`, the status text of a server-made answer, e.g. `404 Not Found`. */
export function statusText(code: number, reason: string = reasonPhrase(code)): string {
  return `${code} ${reason}`;
}

/**
 * A response's first line. The server speaks HTTP/1.1 to 1.0 clients too (RFC 9110 §6.2: the
 * version is the sender's), with a status text as checked by SPEC 3.1.
 */
export function statusLine(status: string): string {
  return 'HTTP/1.1 ' + status + '\r\n';
}

/** Percent-decodes a path as UTF-8, as the server does for PATH_INFO (SPEC 2.2); invalid escapes stay as sent. */
export function decodePath(path: string): string {
  if (!path.includes('%')) return path;
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
