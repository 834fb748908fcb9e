// Node's serialized response head → the gateway's `status` and header list. Node has already done
// the header work (writeHead in any form, setHeader/appendHeader, repeated Set-Cookie as separate
// lines); this reads its result back and removes what belongs to the server: connection management
// and framing fields (SPEC 3.4, RFC 9110 §7.6.1), which node adds on its own for a keep-alive socket.
import { STATUS_CODES } from 'node:http';
import type { HeaderList } from '@gateway-interop/gateway';

export interface ResponseHead {
  /** `'200 OK'`: code, one space, reason phrase (SPEC 3.1). */
  status: string;
  headers: HeaderList;
}

/** Hop-by-hop fields: the gateway server answers with 500 if an app sends one (SPEC 3.4). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer']);
/** Their name lengths, so most names are let through without being lower-cased first. */
const HOP_BY_HOP_LENGTHS = new Set([...HOP_BY_HOP].map((name) => name.length));

const isSpace = (code: number): boolean => code === 0x20 || code === 0x09;

/** Parses node's `res._header`: `'HTTP/1.1 200 OK\r\nName: value\r\n…\r\n\r\n'`. */
export function parseHead(head: string): ResponseHead {
  // Node writes `HTTP/1.1 ${statusCode} ${statusMessage}\r\n` (writeHead in lib/_http_server.js).
  let lineEnd = head.indexOf('\r\n');
  const code = head.slice(9, 12);
  const reason = head.slice(13, lineEnd) || STATUS_CODES[Number(code)] || '';
  const headers: HeaderList = [];
  let named: Set<string> | undefined; // fields a Connection field declares hop-by-hop
  for (let start = lineEnd + 2; (lineEnd = head.indexOf('\r\n', start)) > start; start = lineEnd + 2) {
    const colon = head.indexOf(':', start);
    const name = head.slice(start, colon);
    // Node writes `name: value` and has validated the value (no CR/LF); the gateway wants it
    // without surrounding whitespace (SPEC 3.2).
    let value = head.slice(colon + 2, lineEnd);
    if (value.length > 0 && (isSpace(value.charCodeAt(0)) || isSpace(value.charCodeAt(value.length - 1)))) value = value.trim();
    const lower = HOP_BY_HOP_LENGTHS.has(name.length) ? name.toLowerCase() : '';
    if (HOP_BY_HOP.has(lower)) {
      // A Connection field names further fields that are hop-by-hop for this message (RFC 9110 §7.6.1).
      if (lower === 'connection') for (const token of value.split(',')) (named ??= new Set()).add(token.trim().toLowerCase());
      continue;
    }
    headers.push([name, value]);
  }
  return {
    status: `${code} ${reason}`,
    headers: named === undefined ? headers : headers.filter(([name]) => !named.has(name.toLowerCase())),
  };
}
