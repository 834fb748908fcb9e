// The `environ-shapes` trick (server/engine.ts): environ objects made in one object literal per
// sequence of header names. Adding the HTTP_* keys one by one after the fixed keys goes through a keyed store that sees every header name, which
// V8 handles generically: about 30 ns a header, 0.4 µs for a browser's dozen. A literal that
// already lists the keys costs about 2 ns a header. Clients repeat the same header names in the
// same order from one request to the next, so a small function that writes that literal is made
// the first time a sequence is seen (`new Function`, from key names that are HTTP tokens, quoted
// with JSON.stringify), kept, and used for every later request with the same sequence. The
// literal is environ.ts's `plainEnviron`, key for key; the environ tests compare the two.
import type { HeaderName } from '../http/_header-names.ts';
import { VERSION, WRITER, buildEnviron, informational, plainEnviron } from './environ.ts';
import type { EnvironLiteral, MakeEnviron } from './environ.ts';

/** buildEnviron with the literal for the request's sequence of header names. */
export const shapedEnviron: MakeEnviron = (head, remoteAddress, remotePort, info, input, writer) =>
  buildEnviron(head, remoteAddress, remotePort, info, input, writer, makerFor(head.names) ?? plainEnviron);

/** Sequences kept. Past this many, new sequences use the generic path (a client cannot grow it). */
const MAX_SHAPES = 256;
const makers = new Map<string, EnvironLiteral>();
// The last sequence looked up, compared name by name (the HeaderName objects are shared), so a
// connection repeating its headers never builds a lookup key.
let lastNames: readonly HeaderName[] = [];
let lastMaker: EnvironLiteral | null = null;

/** The maker for these header names, or null when there are too many sequences already. */
function makerFor(names: readonly HeaderName[]): EnvironLiteral | null {
  if (sameNames(names, lastNames)) return lastMaker;
  let key = '';
  for (let i = 0; i < names.length; i++) key += (names[i]!.environKey ?? '') + '\n';
  let maker = makers.get(key);
  if (maker === undefined) {
    if (makers.size >= MAX_SHAPES) return null;
    maker = compile(names);
    makers.set(key, maker);
  }
  lastNames = names;
  lastMaker = maker;
  return maker;
}

function sameNames(a: readonly HeaderName[], b: readonly HeaderName[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function compile(names: readonly HeaderName[]): EnvironLiteral {
  // Each key once, at its first field; repeats joined as rule 2.3 says (Cookie with '; ').
  const values = new Map<string, string>();
  for (let i = 0; i < names.length; i++) {
    const key = names[i]!.environKey;
    if (key === null) continue;
    const value = `raw[${2 * i + 1}]`;
    const earlier = values.get(key);
    values.set(key, earlier === undefined ? value : `${earlier} + ${JSON.stringify(names[i]!.joiner)} + ${value}`);
  }
  let fields = '';
  for (const [key, value] of values) fields += `,\n    ${JSON.stringify(key)}: ${value}`;
  const source = `return (head, info, path, query, remoteAddress, remotePort, scheme, input, writer) => {
  const raw = head.rawHeaders;
  return {
    REQUEST_METHOD: head.method,
    SCRIPT_NAME: '',
    PATH_INFO: path,
    QUERY_STRING: query,
    REQUEST_URI: head.target,
    SERVER_NAME: info.serverName,
    SERVER_PORT: info.serverPort,
    SERVER_PROTOCOL: head.minor === 1 ? 'HTTP/1.1' : 'HTTP/1.0',
    REMOTE_ADDR: remoteAddress,
    REMOTE_PORT: remotePort,
    'gateway.version': VERSION,
    'gateway.url_scheme': scheme,
    'gateway.input': input,
    'gateway.errors': info.errors,
    'gateway.multithread': false,
    'gateway.multiprocess': info.multiprocess,
    'gateway.run_once': false,
    'gateway.raw_headers': raw,
    'gateway.informational': INFORMATIONAL${fields},
    [WRITER]: writer
  };
};`;
  return new Function('VERSION', 'WRITER', 'INFORMATIONAL', source)(VERSION, WRITER, informational) as EnvironLiteral;
}
