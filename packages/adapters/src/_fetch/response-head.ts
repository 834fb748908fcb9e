// The head of a fetch `Response` in gateway terms: a status line for startResponse and a header
// list in which every Set-Cookie stays its own field (SPEC rule 3.3) and hop-by-hop fields are
// gone, because the server owns the connection and its framing (rule 3.4, RFC 9110 §7.6.1).
import type { HeaderList } from '@gateway-interop/gateway';
import { HOP_BY_HOP, reasonPhrase, statusText as statusOf } from '@gateway-interop/gateway/http';
import type { LightParts } from './light-response.ts';

/** Status lines for the codes with a reason phrase, made once: most responses need one of these. */
const commonLines = new Map<number, string>();
for (let code = 100; code <= 599; code++) {
  const reason = reasonPhrase(code);
  if (reason !== '') commonLines.set(code, statusOf(code, reason));
}

/**
 * `'200 OK'` from a status code and its reason. Fetch handlers rarely set `statusText`; Node's
 * table supplies the phrase `node:http` would have sent (RFC 9112 §4: any phrase is valid).
 */
export function statusLine(status: number, statusText: string): string {
  if (statusText === '') {
    const line = commonLines.get(status);
    if (line !== undefined) return line;
  }
  return statusOf(status, statusText || reasonPhrase(status) || 'Unknown');
}

/**
 * `headers` as gateway pairs, in the order `Headers` iterates them (sorted, lowercase names).
 * Set-Cookie values come from `getSetCookie()` because joining them with `, ` would corrupt any
 * cookie with an `Expires=Wed, 21 Oct …` date (RFC 6265 §3).
 */
export function headerListOf(headers: Headers): HeaderList {
  // Names listed in Connection are hop-by-hop for this message too (RFC 9110 §7.6.1).
  const listed = (headers.get('connection') ?? '').toLowerCase().split(',').map((s) => s.trim());
  const list: HeaderList = [];
  let cookiesDone = false;
  for (const [name, value] of headers) {
    if (name === 'set-cookie') {
      if (!cookiesDone) for (const cookie of headers.getSetCookie()) list.push([name, cookie]);
      cookiesDone = true;
    } else if (!HOP_BY_HOP.has(name) && !listed.includes(name)) {
      list.push([name, value]);
    }
  }
  return list;
}

/**
 * The header list for a light response (light-response.ts): its fields without hop-by-hop ones,
 * its default content type, and Content-Length when `body` is there and no length is declared.
 * `undefined` when the fields declare Transfer-Encoding: such a body goes out as a stream.
 */
export function lightHeaderList(parts: LightParts, body: Uint8Array | null): HeaderList | undefined {
  const fields = parts.fields ?? (parts.headers === null ? [] : fieldsOf(parts.headers));
  const list: HeaderList = [];
  let lengthKnown = false;
  let listed: string[] | null = null;
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i] as [string, string];
    const name = field[0];
    if (name === 'content-length') lengthKnown = true;
    else if (name === 'transfer-encoding') return undefined;
    else if (name === 'connection') listed = connectionListed(field[1]);
    if (!HOP_BY_HOP.has(name)) list.push(field);
  }
  if (listed !== null) {
    const named = listed;
    const kept = list.filter(([name]) => !named.includes(name));
    list.length = 0;
    list.push(...kept);
  }
  // Where undici's Headers would list it (sorted by name), so both paths send the same list.
  if (parts.defaultType !== null) {
    let at = 0;
    while (at < list.length && (list[at] as [string, string])[0] < 'content-type') at++;
    list.splice(at, 0, ['content-type', parts.defaultType]);
  }
  if (body !== null && !lengthKnown) list.push(['content-length', String(body.byteLength)]);
  return list;
}

/** The names a Connection field lists (RFC 9110 §7.6.1), lowercase. */
function connectionListed(value: string): string[] {
  return value.toLowerCase().split(',').map((name) => name.trim());
}

/** `headers` as pairs, every Set-Cookie its own, nothing dropped. */
function fieldsOf(headers: Headers): HeaderList {
  const list: HeaderList = [];
  let cookiesDone = false;
  for (const [name, value] of headers) {
    if (name !== 'set-cookie') list.push([name, value]);
    else if (!cookiesDone) {
      cookiesDone = true;
      for (const cookie of headers.getSetCookie()) list.push([name, cookie]);
    }
  }
  return list;
}
