// Environ objects made in one object literal per sequence of header names. Adding the HTTP_* keys
// one by one after the fixed keys goes through a keyed store that sees every header name, which
// V8 handles generically: about 30 ns a header, 0.4 µs for a browser's dozen. A literal that
// already lists the keys costs about 2 ns a header. Clients repeat the same header names in the
// same order from one request to the next, so a small function that writes that literal is made
// the first time a sequence is seen (`new Function`, from key names that are HTTP tokens, quoted
// with JSON.stringify), kept, and used for every later request with the same sequence.
import type { HeaderName } from '../http/_header-names.ts';
import type { ServerInfo } from './environ.ts';
import type { RequestHead } from '../http/parser.ts';
import type { Input } from '../types.ts';

/**
 * Writes one environ for a sequence of header names. The arguments are the parts that vary from
 * request to request, passed one by one so that no object is made to carry them.
 */
export type EnvironMaker = (
  head: RequestHead,
  info: ServerInfo,
  path: string,
  query: string,
  remoteAddress: string,
  remotePort: string,
  scheme: string,
  input: Input,
  writer: unknown,
) => Record<string | symbol, unknown>;

/** Where the environ keeps its response writer, for the `gateway.signal` getter. */
export const WRITER = Symbol('gateway.writer');

const VERSION = [1, 0] as const;

/**
 * `gateway.informational` (rule 6.6): one function shared by every environ, which finds its
 * response through the environ it is called on, so a request pays nothing for it until it is
 * used. A copy made with `{ ...environ }` carries the WRITER key too.
 */
function informational(this: unknown, status: string, headers: Array<[string, string]> = []): Promise<void> {
  const writer = (this as { [WRITER]?: { informational(status: string, headers: unknown): Promise<void> } } | null)?.[WRITER];
  if (writer === undefined) {
    return Promise.reject(new TypeError("call gateway.informational on the environ: environ['gateway.informational'](status, headers)"));
  }
  try {
    return writer.informational(status, headers);
  } catch (error) {
    return Promise.reject(error); // a refused status or header: the Promise says so, as typed
  }
}

/** Sequences kept. Past this many, new sequences use the generic path (a client cannot grow it). */
const MAX_SHAPES = 256;
const makers = new Map<string, EnvironMaker>();
// The last sequence looked up, compared name by name (the HeaderName objects are shared), so a
// connection repeating its headers never builds a lookup key.
let lastNames: readonly HeaderName[] = [];
let lastMaker: EnvironMaker | null = null;

/** The maker for these header names, or null when there are too many sequences already. */
export function makerFor(names: readonly HeaderName[]): EnvironMaker | null {
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

/** The maker for an environ with no HTTP_* keys, for adding them one by one. */
export const bareMaker = compile([]);

function compile(names: readonly HeaderName[]): EnvironMaker {
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
  return new Function('VERSION', 'WRITER', 'INFORMATIONAL', source)(VERSION, WRITER, informational) as EnvironMaker;
}
