// The head of a fetch `Response` in gateway terms: a status line for startResponse and a header
// list in which every Set-Cookie stays its own field (SPEC rule 3.3) and hop-by-hop fields are
// gone, because the server owns the connection and its framing (rule 3.4, RFC 9110 §7.6.1).
import { STATUS_CODES } from 'node:http';
import type { HeaderList } from '@gateway-interop/gateway';

/** Fields that describe one connection, not the message; an app must not send them (rule 3.4). */
export const hopByHopFields: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
]);

/**
 * `'200 OK'` from a status code and its reason. Fetch handlers rarely set `statusText`; Node's
 * table supplies the phrase `node:http` would have sent (RFC 9112 §4: any phrase is valid).
 */
export function statusLine(status: number, statusText: string): string {
  return `${status} ${statusText || STATUS_CODES[status] || 'Unknown'}`;
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
    } else if (!hopByHopFields.has(name) && !listed.includes(name)) {
      list.push([name, value]);
    }
  }
  return list;
}
