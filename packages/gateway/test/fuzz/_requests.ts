// Request generators for the differential fuzzer: valid HTTP/1.x requests as structured values,
// the mutations request smuggling is made of (framing headers, line endings, chunk lines, request
// line) plus blind byte edits, and pipelined groups of them split at random byte boundaries.
// Everything is a fast-check arbitrary, so a failing case shrinks to a small one.
import fc from 'fast-check';

/** A request before serialization. Strings are latin-1: one character per byte. */
export interface Message {
  method: string;
  target: string;
  version: string;
  headers: Array<[string, string]>;
  framing: Framing;
}

export type Framing =
  | { kind: 'none' }
  | { kind: 'length'; body: string }
  | { kind: 'chunked'; chunks: Chunk[]; lastExt: string; trailers: Array<[string, string]> };

export interface Chunk {
  data: string;
  /** The size as spelled on the wire: lower or upper hex, maybe with leading zeros. */
  size: string;
  ext: string;
}

/** A serialized request: head lines (no CRLF), then the body bytes. */
export interface Wire {
  lines: string[];
  /** Body bytes as sent (chunk-size lines and trailers included when chunked). */
  body: string;
  chunked: boolean;
}

/** One fuzz case: requests pipelined on one connection, one of them maybe mutated, split into packets. */
export interface Group {
  messages: Message[];
  mutated: number;
  mutation: Mutation | null;
  /** Cut points in the whole byte stream (any numbers; taken modulo its length). */
  cuts: number[];
}

const TCHAR = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const PATH = "abcxyzABC0189-._~!$&'()*+,;=:@%/";
const QUERY = PATH + '?';
const HOST = 'abcxyz0189-.';
const VCHAR = Array.from({ length: 0x7f - 0x21 }, (_, i) => String.fromCharCode(0x21 + i)).join('');
const VALUE = VCHAR + '  \t\u0080\u00e9\u00ff';
const QDTEXT = VCHAR.replace('"', '').replace('\\', '') + ' \t';
/** Names with a meaning to the parser; random names must not collide with them by chance. */
const SPECIAL = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'proxy-connection', 'expect', 'upgrade', 'te', 'keep-alive']);

const chars = (alphabet: string, minLength: number, maxLength: number): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...alphabet), minLength, maxLength });

const latin1Bytes = (minLength: number, maxLength: number): fc.Arbitrary<string> =>
  fc.uint8Array({ minLength, maxLength }).map((bytes) => Buffer.from(bytes).toString('latin1'));

export const token = (min = 1, max = 10): fc.Arbitrary<string> => chars(TCHAR, min, max);

const hostValue = fc
  .tuple(chars(HOST, 1, 12), fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }))
  .map(([name, port]) => (port === undefined ? name : `${name}:${port}`));

const target = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(chars(PATH, 0, 20), fc.option(chars(QUERY, 0, 12), { nil: undefined })).map(([p, q]) => `/${p}${q === undefined ? '' : '?' + q}`) },
  { weight: 1, arbitrary: fc.tuple(hostValue, chars(PATH, 0, 10)).map(([h, p]) => `http://${h}/${p}`) },
);

const headerName = fc.oneof(
  fc.constantFrom('Accept', 'User-Agent', 'X-Request-Id', 'Cookie', 'Content-Type', 'Accept-Encoding', 'X_Forwarded_For', 'Cache-Control', 'Authorization', 'Origin'),
  token(1, 16).filter((name) => !SPECIAL.has(name.toLowerCase())),
);

const otherHeaders = fc.array(fc.tuple(headerName, chars(VALUE, 0, 30)), { maxLength: 6 });

const quoted = fc
  .array(fc.oneof(chars(QDTEXT, 1, 1), chars(VCHAR + ' \t', 1, 1).map((c) => '\\' + c)), { maxLength: 6 })
  .map((parts) => `"${parts.join('')}"`);

/** chunk-ext = *( ";" token [ "=" ( token / quoted-string ) ] ) (RFC 9112 §7.1.1), without BWS. */
const chunkExt = fc
  .array(fc.tuple(token(1, 6), fc.option(fc.oneof(token(1, 6), quoted), { nil: undefined })), { maxLength: 2 })
  .map((exts) => exts.map(([name, value]) => `;${name}${value === undefined ? '' : '=' + value}`).join(''));

const sizeSpelling = (length: number): fc.Arbitrary<string> =>
  fc.constantFrom('lower', 'upper', 'zeros').map((style) => {
    const hex = length.toString(16);
    return style === 'upper' ? hex.toUpperCase() : style === 'zeros' ? '00' + hex : hex;
  });

const chunk: fc.Arbitrary<Chunk> = latin1Bytes(1, 24).chain((data) =>
  fc.record({ data: fc.constant(data), size: sizeSpelling(data.length), ext: chunkExt }),
);

const framing11: fc.Arbitrary<Framing> = fc.oneof(
  { weight: 3, arbitrary: fc.constant<Framing>({ kind: 'none' }) },
  { weight: 3, arbitrary: latin1Bytes(0, 48).map<Framing>((body) => ({ kind: 'length', body })) },
  {
    weight: 3,
    arbitrary: fc
      .record({ chunks: fc.array(chunk, { maxLength: 4 }), lastExt: chunkExt, trailers: fc.array(fc.tuple(headerName, chars(VALUE, 0, 12)), { maxLength: 2 }) })
      .map<Framing>((c) => ({ kind: 'chunked', ...c })),
  },
);

const framing10: fc.Arbitrary<Framing> = fc.oneof(
  fc.constant<Framing>({ kind: 'none' }),
  latin1Bytes(0, 48).map<Framing>((body) => ({ kind: 'length', body })),
);

const methods = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'PROPFIND', 'MKCOL', 'M-SEARCH', 'PURGE', 'REPORT'];

/** A request both parsers must accept, as Node's node:http and RFC 9112 agree on it. */
export const validMessage: fc.Arbitrary<Message> = fc
  .record({
    method: fc.constantFrom(...methods),
    target,
    asterisk: fc.boolean(),
    minor: fc.constantFrom(1, 1, 1, 1, 0),
    host: hostValue,
    hostOn10: fc.boolean(),
    others: otherHeaders,
    expect: fc.boolean(),
    connection: fc.constantFrom('', '', '', 'keep-alive', 'close'),
    framing11,
    framing10,
    order: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 12, maxLength: 12 }),
  })
  .map(({ method, target, asterisk, minor, host, hostOn10, others, expect, connection, framing11, framing10, order }) => {
    const framing = minor === 1 ? framing11 : framing10;
    const headers: Array<[string, string]> = [...others];
    if (minor === 1 || hostOn10) headers.push(['Host', host]);
    if (framing.kind === 'length') headers.push(['Content-Length', String(framing.body.length)]);
    if (framing.kind === 'chunked') headers.push(['Transfer-Encoding', 'chunked']);
    // HTTP/1.0 persists only with keep-alive; without it the rest of the group would go unread.
    if (minor === 0) headers.push(['Connection', connection === 'close' ? 'close' : 'keep-alive']);
    else if (connection !== '') headers.push(['Connection', connection]);
    if (expect && minor === 1 && framing.kind !== 'none') headers.push(['Expect', '100-continue']);
    const keyed = headers.map((h, i) => ({ h, k: order[i % order.length]! + i / 1000 }));
    keyed.sort((a, b) => a.k - b.k);
    return {
      method: asterisk && method === 'OPTIONS' ? 'OPTIONS' : method,
      target: asterisk && method === 'OPTIONS' ? '*' : target,
      version: `HTTP/1.${minor}`,
      headers: keyed.map((x) => x.h),
      framing,
    };
  });

export function serialize(message: Message): Wire {
  const lines = [`${message.method} ${message.target} ${message.version}`, ...message.headers.map(([n, v]) => `${n}: ${v}`)];
  const f = message.framing;
  if (f.kind === 'none') return { lines, body: '', chunked: false };
  if (f.kind === 'length') return { lines, body: f.body, chunked: false };
  let body = '';
  for (const c of f.chunks) body += `${c.size}${c.ext}\r\n${c.data}\r\n`;
  body += `0${f.lastExt}\r\n`;
  for (const [n, v] of f.trailers) body += `${n}: ${v}\r\n`;
  body += '\r\n';
  return { lines, body, chunked: true };
}

export const wireBytes = (w: Wire): string => w.lines.join('\r\n') + '\r\n\r\n' + w.body;

// --- mutations ----------------------------------------------------------------------------------

/** A named change to one request; `apply` returns the request's bytes after it. */
export interface Mutation {
  name: string;
  apply(wire: Wire): string;
}

/** Header lines that smuggling and parser-confusion attacks are made of. */
const INJECTED = [
  'Content-Length: 0', 'Content-Length: 1', 'Content-Length: 5', 'Content-Length: +1', 'Content-Length: -1', 'Content-Length: 1 1',
  'Content-Length: 0x10', 'Content-Length: 1,1', 'Content-Length: 1.0', 'Content-Length:', 'Content-Length: 00000000000000000001',
  'Content-Length: 99999999999999999999', 'Transfer-Encoding: chunked', 'Transfer-Encoding: xchunked', 'Transfer-Encoding: chunked, identity',
  'Transfer-Encoding: identity', 'Transfer-Encoding: gzip, chunked', 'Transfer-Encoding: ,chunked', 'Transfer-Encoding: chunked,',
  'Transfer-Encoding: "chunked"', 'Transfer-Encoding: chunked;q=1', 'Transfer-Encoding: CHUNKED', 'Transfer-Encoding: \u000bchunked',
  'Transfer-Encoding: chunked\u000b', 'Transfer-Encoding:', 'Transfer-Encoding : chunked', 'Transfer_Encoding: chunked',
  ' Transfer-Encoding: chunked', 'Transfer-Encoding:\tchunked', 'Transfer-Encoding: chunked\u0000', 'Host: other', 'Host: a b',
  'Host: a/b', 'Host: a@b', 'Host: [::1]:80', 'Host:', 'Host: a:b', 'Connection: close', 'Connection: keep-alive, close',
  'Connection: close, keep-alive', 'Connection: Keep-Alive', 'Proxy-Connection: close', 'Proxy-Connection: keep-alive',
  'Expect: 100-continue', 'Expect: 100-Continue', 'Expect: foo', 'Expect: 100-continue, foo', 'Upgrade: h2c', 'X: a\u0000b',
  'X: a\u007fb', 'X: a\rb', 'X: \u0001', 'X\u007f: a', 'X y: a', ': a', 'X: a\u0080\u00ff', 'X:a', 'X:   a   ', 'X: "a\r\n b"',
];

const VERSIONS = ['HTTP/1.2', 'HTTP/2.0', 'HTTP/0.9', 'HTTP/1.10', 'HTTP/01.1', 'http/1.1', 'HTTP/1', 'HTTP/ 1.1', 'HTTP/1.1 ', '', 'HTTP/3.0', 'HTTP/1.0', 'HTTP/1.1\t', 'HTTP/1.a'];
const METHOD_EDITS = ['get', 'FOO', 'G ET', 'GET\t', 'GE\u0000T', '', 'G@T', 'PRI', 'CONNECT', 'HTTP/1.1', 'M-SEARCH', 'QUERY', 'SOURCE'];
const TARGET_EDITS = ['/a#b', '*', '*/a', 'a/b', 'http://a"b/', '/a\u007f', '/a\u0080', '', 'http://a/b#c', 'http://a', 'h1tp://a/', 'http:/a', '//a', '/?a?b', '/a b', 'http://a@b@c/', 'HTTP://a/'];
const CHUNK_LINES = [
  ' ', '\t', '; a', ' ;a', ';a =b', ';a= b', ';=x', ';a=', ';a="b', ';a="b\\\u0001"', ';a=b c', ';a="b" ', ';', ';;a', ';a=b;', ';a="\u00e9"',
];
const LINE_ENDS = ['\n', '\r', '\r\r\n', '\n\r', '\r\n\r\n', ' \r\n', '\r\n '];
const BYTES = [0x0d, 0x0a, 0x20, 0x09, 0x00, 0x3a, 0x2c, 0x3b, 0x22, 0x5c, 0x7f, 0x80, 0xff, 0x0b, 0x30, 0x61];

const pick = <T>(list: readonly T[]): fc.Arbitrary<T> => fc.constantFrom(...list);

const insertHeader = fc.tuple(pick(INJECTED), fc.nat()).map<Mutation>(([line, at]) => ({
  name: `insert header ${JSON.stringify(line)}`,
  apply: (w) => {
    const lines = [...w.lines];
    lines.splice(1 + (at % lines.length), 0, line);
    return wireBytes({ ...w, lines });
  },
}));

const removeHeader = fc.nat().map<Mutation>((at) => ({
  name: 'remove a header line',
  apply: (w) => {
    if (w.lines.length < 2) return wireBytes(w);
    const lines = [...w.lines];
    lines.splice(1 + (at % (lines.length - 1)), 1);
    return wireBytes({ ...w, lines });
  },
}));

const requestLine = (part: 0 | 1 | 2, edits: string[]): fc.Arbitrary<Mutation> =>
  pick(edits).map<Mutation>((edit) => ({
    name: `request line ${['method', 'target', 'version'][part]} ${JSON.stringify(edit)}`,
    apply: (w) => {
      const words = w.lines[0]!.split(' ');
      words[part] = edit;
      return wireBytes({ ...w, lines: [words.join(' '), ...w.lines.slice(1)] });
    },
  }));

const spacing = fc.constantFrom('  ', ' \t', '\t').chain((gap) =>
  fc.constantFrom(0, 1, 2).map<Mutation>((where) => ({
    name: `request line whitespace ${JSON.stringify(gap)} at ${where}`,
    apply: (w) => {
      const words = w.lines[0]!.split(' ');
      const line = where === 0 ? ' ' + words.join(' ') : where === 1 ? words[0] + gap + words.slice(1).join(' ') : words.slice(0, 2).join(' ') + gap + words[2];
      return wireBytes({ ...w, lines: [line, ...w.lines.slice(1)] });
    },
  })),
);

const lineEnding = fc.tuple(pick(LINE_ENDS), fc.nat()).map<Mutation>(([end, at]) => ({
  name: `line ending ${JSON.stringify(end)}`,
  apply: (w) => {
    const bytes = wireBytes(w);
    const ends: number[] = [];
    for (let i = bytes.indexOf('\r\n'); i !== -1; i = bytes.indexOf('\r\n', i + 1)) ends.push(i);
    const i = ends[at % ends.length]!;
    return bytes.slice(0, i) + end + bytes.slice(i + 2);
  },
}));

const obsFold = fc.nat().map<Mutation>((at) => ({
  name: 'obs-fold a header line',
  apply: (w) => {
    if (w.lines.length < 2) return wireBytes(w);
    const lines = [...w.lines];
    const i = 1 + (at % (lines.length - 1));
    lines.splice(i, 1, lines[i]!, ' folded');
    return wireBytes({ ...w, lines });
  },
}));

const chunkLine = fc.tuple(pick(CHUNK_LINES), fc.nat()).map<Mutation>(([suffix, at]) => ({
  name: `chunk-size line + ${JSON.stringify(suffix)}`,
  apply: (w) => {
    if (!w.chunked) return wireBytes(w);
    // Size lines start the body and follow each chunk's CRLF; find them by walking the chunks.
    const starts: number[] = [];
    let i = 0;
    while (i < w.body.length) {
      starts.push(i);
      const lf = w.body.indexOf('\r\n', i);
      const size = parseInt(w.body.slice(i, lf), 16);
      if (!(size > 0)) break;
      i = lf + 2 + size + 2;
    }
    const start = starts[at % starts.length]!;
    const end = w.body.indexOf('\r\n', start);
    let sizeEnd = start;
    while (/[0-9a-fA-F]/.test(w.body[sizeEnd] ?? '')) sizeEnd++;
    const body = w.body.slice(0, sizeEnd) + suffix + w.body.slice(end);
    return wireBytes({ ...w, body });
  },
}));

const chunkSize = fc.tuple(fc.constantFrom('0x', '-', '+', 'ffffffffffffffffff', 'g', '', '+1', '-1'), fc.boolean()).map<Mutation>(([edit, prefix]) => ({
  name: `chunk size ${prefix ? 'prefixed' : 'replaced'} by ${JSON.stringify(edit)}`,
  apply: (w) => {
    if (!w.chunked) return wireBytes(w);
    const lf = w.body.indexOf('\r\n');
    let sizeEnd = 0;
    while (/[0-9a-fA-F]/.test(w.body[sizeEnd] ?? '')) sizeEnd++;
    const body = prefix ? edit + w.body : edit + w.body.slice(sizeEnd, lf) + w.body.slice(lf);
    return wireBytes({ ...w, body });
  },
}));

const trailer = pick(['Content-Length: 1', 'Transfer-Encoding: chunked', 'content-length: 0', ' X: y', 'X : y', 'X: a\u0001', 'Host: b', 'X:']).map<Mutation>((line) => ({
  name: `trailer ${JSON.stringify(line)}`,
  apply: (w) => {
    if (!w.chunked) return wireBytes(w);
    return wireBytes({ ...w, body: w.body.slice(0, -2) + line + '\r\n\r\n' });
  },
}));

const byteEdit = fc.tuple(fc.constantFrom('flip', 'insert', 'delete'), fc.nat(), pick(BYTES)).map<Mutation>(([op, at, byte]) => ({
  name: `${op} byte 0x${byte.toString(16)}`,
  apply: (w) => {
    const bytes = wireBytes(w);
    const i = at % bytes.length;
    const c = String.fromCharCode(byte);
    if (op === 'flip') return bytes.slice(0, i) + c + bytes.slice(i + 1);
    if (op === 'insert') return bytes.slice(0, i) + c + bytes.slice(i);
    return bytes.slice(0, i) + bytes.slice(i + 1);
  },
}));

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 6, arbitrary: insertHeader },
  { weight: 1, arbitrary: removeHeader },
  { weight: 1, arbitrary: requestLine(0, METHOD_EDITS) },
  { weight: 1, arbitrary: requestLine(1, TARGET_EDITS) },
  { weight: 1, arbitrary: requestLine(2, VERSIONS) },
  { weight: 1, arbitrary: spacing },
  { weight: 2, arbitrary: lineEnding },
  { weight: 1, arbitrary: obsFold },
  { weight: 2, arbitrary: chunkLine },
  { weight: 1, arbitrary: chunkSize },
  { weight: 1, arbitrary: trailer },
  { weight: 3, arbitrary: byteEdit },
);

export const group: fc.Arbitrary<Group> = fc
  .record({
    messages: fc.array(validMessage, { minLength: 1, maxLength: 4 }),
    mutated: fc.nat(),
    mutation: fc.option(mutation, { freq: 4, nil: null }),
    cuts: fc.array(fc.nat(), { maxLength: 6 }),
  })
  .map((g) => ({ ...g, mutated: g.mutated % g.messages.length }));

/** The bytes of each request in the group, the mutated one changed. */
export function groupBytes(g: Group): string[] {
  return g.messages.map((m, i) => {
    const wire = serialize(m);
    return i === g.mutated && g.mutation !== null ? g.mutation.apply(wire) : wireBytes(wire);
  });
}

/** The whole stream cut into packets at the group's cut points. */
export function packets(stream: Buffer, cuts: readonly number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % stream.length).filter((c) => c > 0))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let last = 0;
  for (const p of points) {
    out.push(stream.subarray(last, p));
    last = p;
  }
  out.push(stream.subarray(last));
  return out;
}
