// The status line and header block of a response: checks what the app gave to startResponse
// (SPEC rules 3.1–3.4) and writes it out with the fields that are the server's to add (rule 6.2).
// A bad name or value never reaches the wire: it becomes an app error, answered with a 500, so an
// app cannot split a response by putting CR LF in a header (RFC 9112 §11.1).
import { isFieldValue, isHopByHop, isToken } from '../http/vocabulary.ts';
import { httpDate } from '../http/date.ts';
import type { HeaderList } from '../types.ts';

/** The app broke a rule of the interface; `rule` is the SPEC.md rule number. */
export class AppError extends Error {
  constructor(
    readonly rule: string,
    message: string,
  ) {
    super(`SPEC rule ${rule}: ${message}`);
    this.name = 'AppError';
  }
}

const NORMAL = 0;
const CONTENT_LENGTH = 1;
const DATE = 2;
const SERVER = 3;
const FORBIDDEN = 4;

/** What the server knows about one spelling of a response header name. */
interface NameInfo {
  readonly kind: number;
  /**
   * The last value sent under this name that passed the character check: apps send the same
   * Content-Type or Cache-Control on every response, and comparing with it (a pointer compare
   * when it is the same string) costs less than the regular expression, about 40 ns a field.
   */
  checked: string;
}

// Names repeat across responses; each spelling is checked once. Bounded like the request side.
const names = new Map<string, NameInfo>();
const MAX_CACHED = 1024;

function nameInfo(name: string): NameInfo {
  let info = names.get(name);
  if (info === undefined) {
    if (typeof name !== 'string' || !isToken(name)) {
      throw new AppError('3.2', `header name ${JSON.stringify(name)} is not an RFC 9110 token`);
    }
    const lower = name.toLowerCase();
    let kind = NORMAL;
    if (isHopByHop(lower)) kind = FORBIDDEN; // the server's alone (rule 3.4)
    else if (lower === 'content-length') kind = CONTENT_LENGTH;
    else if (lower === 'date') kind = DATE;
    else if (lower === 'server') kind = SERVER;
    info = { kind, checked: '' }; // '' is a valid value, and nothing else is yet
    if (names.size < MAX_CACHED) names.set(name, info);
  }
  return info;
}

/** What the server needs to know about the app's fields to frame the response. */
export interface HeadFacts {
  /** The app's Content-Length, or -1. */
  contentLength: number;
  hasDate: boolean;
  hasServer: boolean;
}

// Apps answer with a handful of statuses; each spelling is checked once.
const statuses = new Map<string, number>();

/** Checks `NNN reason` (rule 3.1) and returns the code. */
export function statusCode(status: string): number {
  const known = statuses.get(status);
  if (known !== undefined) return known;
  if (typeof status !== 'string' || status.length < 4 || status.charCodeAt(3) !== 0x20) {
    throw new AppError('3.1', `status ${JSON.stringify(status)} must look like "200 OK"`);
  }
  const code = Number(status.slice(0, 3));
  if (!(code >= 100 && code <= 999) || !/^\d{3}$/.test(status.slice(0, 3)) || !isFieldValue(status)) {
    throw new AppError('3.1', `status ${JSON.stringify(status)} must be a three-digit code from 200 to 999 and a reason phrase`);
  }
  if (code < 200) {
    // A 1xx is interim: the client reads on for the final answer, so as a final status it would
    // leave the client waiting (and 101 would tell it the protocol had changed).
    throw new AppError('3.1', `status ${JSON.stringify(status)} is interim (1xx); send it with environ['gateway.informational'] (rule 6.6) and answer with a final status from 200 to 999`);
  }
  if (statuses.size < MAX_CACHED) statuses.set(status, code);
  return code;
}

/** The app's header fields as wire text, checked; fills `facts` on the way. */
export function serializeFields(headers: HeaderList, facts: HeadFacts): string {
  if (!Array.isArray(headers)) throw new AppError('3.2', 'headers must be an array of [name, value] pairs');
  let out = '';
  for (let i = 0; i < headers.length; i++) {
    const pair = headers[i];
    if (!Array.isArray(pair) || pair.length !== 2) {
      throw new AppError('3.2', `header #${i} must be a [name, value] pair`);
    }
    const name = pair[0];
    const value = pair[1];
    const info = nameInfo(name);
    const kind = info.kind;
    if (value !== info.checked) {
      if (typeof value !== 'string' || !isFieldValue(value)) {
        throw new AppError('3.2', `value of header ${name} holds a character that cannot go on the wire (CR, LF, NUL, control, or above U+00FF)`);
      }
      info.checked = value;
    }
    if (kind !== NORMAL) {
      if (kind === FORBIDDEN) {
        throw new AppError('3.4', `header ${name} is hop-by-hop; the server sets connection and framing fields itself`);
      } else if (kind === CONTENT_LENGTH) {
        const n = /^\d{1,15}$/.test(value) ? Number(value) : NaN;
        if (Number.isNaN(n) || (facts.contentLength !== -1 && facts.contentLength !== n)) {
          throw new AppError('4.4', `Content-Length ${JSON.stringify(value)} must be one number of bytes`);
        }
        facts.contentLength = n;
      } else if (kind === DATE) facts.hasDate = true;
      else facts.hasServer = true;
    }
    out += name + ': ' + value + '\r\n';
  }
  return out;
}

/** `Date` and `Server` lines for whichever of the two the app did not send (rule 6.2). */
export function serverFields(facts: HeadFacts, serverLine: string, now: number): string {
  let out = facts.hasDate ? '' : 'Date: ' + httpDate(now) + '\r\n';
  if (!facts.hasServer) out += serverLine;
  return out;
}
