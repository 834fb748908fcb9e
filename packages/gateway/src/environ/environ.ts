// Builds the environ for one request (SPEC section 2): CGI keys from the request line and the
// connection, one HTTP_* key per header field, and the gateway.* keys. `plainEnviron` below is
// the whole environ written out as one object literal: the reference, and the page to read.
// With the `environ-shapes` trick (server/engine.ts) the same literal is generated once per
// sequence of header names (_environ-shape.ts), which makes the HTTP_* keys ~15× cheaper.
import { badRequest } from '../http/errors.ts';
import { decodePath } from '../http/vocabulary.ts';
import type { RequestHead } from '../http/parser.ts';
import { resolveClient } from './proxy-trust.ts';
import type { ProxyTrust } from './proxy-trust.ts';
import type { ResponseWriter } from '../cycle/response-writer.ts';
import type { Environ, ErrorStream, Input } from '../types.ts';

/** What every request on a server shares. */
export interface ServerInfo {
  serverName: string;
  serverPort: string;
  urlScheme: 'http' | 'https';
  multiprocess: boolean;
  errors: ErrorStream;
  /** Proxies to believe about the client (rule 2.8); null believes none. */
  trust: ProxyTrust | null;
}

/** How the connection makes an environ (`buildEnviron`); `literal` writes the keys, the plain one by default. */
export type MakeEnviron = (
  head: RequestHead,
  remoteAddress: string,
  remotePort: string,
  info: ServerInfo,
  input: Input,
  writer: ResponseWriter,
  literal?: EnvironLiteral,
) => Environ;

/**
 * Writes one environ. The arguments are the parts that vary from request to request, passed one
 * by one so that no object is made to carry them.
 */
export type EnvironLiteral = (
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

/** Where the environ keeps its response writer, for `gateway.signal` and `gateway.informational`. */
export const WRITER = Symbol('gateway.writer');

export const VERSION = [1, 0] as const;

/** The reference environ: every key written out, then one HTTP_* key per header field. */
export const plainEnviron: EnvironLiteral = (head, info, path, query, remoteAddress, remotePort, scheme, input, writer) => {
  const environ: Record<string | symbol, unknown> = {
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
    'gateway.raw_headers': head.rawHeaders,
    'gateway.informational': informational,
    [WRITER]: writer,
  };
  addHeaderKeys(environ, head);
  return environ;
};

/**
 * `gateway.informational` (rule 6.6): one function shared by every environ, which finds its
 * response through the environ it is called on, so a request pays nothing for it until it is
 * used. A copy made with `{ ...environ }` carries the WRITER key too.
 */
export function informational(this: unknown, status: string, headers: Array<[string, string]> = []): Promise<void> {
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

const SIGNAL: PropertyDescriptor = {
  get(this: { [WRITER]: ResponseWriter }): AbortSignal {
    return this[WRITER].signal;
  },
  enumerable: true,
  configurable: true,
};
const ABSOLUTE_FORM = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#]*/;

/**
 * The environ for `head`: the path and query split from the target, the client as the proxy
 * rules say (rule 2.8), and the keys written by `literal` (for `head.names`, or null for the plain one).
 */
export const buildEnviron: MakeEnviron = (head, remoteAddress, remotePort, info, input, writer, literal = plainEnviron) => {
  const target = head.target;
  let path = target;
  let query = '';
  const q = target.indexOf('?');
  if (q !== -1) {
    path = target.slice(0, q);
    query = target.slice(q + 1);
  }
  if (path.charCodeAt(0) !== 0x2f) path = nonOriginPath(head.method, path);
  const client =
    info.trust === null
      ? null
      : resolveClient({ address: remoteAddress, port: remotePort, scheme: info.urlScheme }, head.rawHeaders, info.trust);
  const environ = literal(
    head,
    info,
    decodePath(path),
    query,
    client === null ? remoteAddress : client.address,
    client === null ? remotePort : client.port,
    client === null ? info.urlScheme : client.scheme,
    input,
    writer,
  );
  // The signal is an own getter, so a copy made with `{ ...environ }` still carries it (rule 2.9),
  // and the AbortSignal behind it (about 2 µs to make) is only made if somebody asks. One
  // shared descriptor costs 0.1-0.2 µs a request; a getter written in a literal, ~0.6 µs.
  Object.defineProperty(environ, 'gateway.signal', SIGNAL);
  return environ as unknown as Environ;
};

/** The HTTP_* keys added one at a time: rule 2.3, repeats joined (Cookie with '; '). */
export function addHeaderKeys(environ: Record<string | symbol, unknown>, head: RequestHead): void {
  const raw = head.rawHeaders;
  const names = head.names;
  for (let i = 0; i < names.length; i++) {
    const key = names[i]!.environKey;
    if (key === null) continue;
    const value = raw[2 * i + 1]!;
    const previous = environ[key] as string | undefined;
    environ[key] = previous === undefined ? value : previous + names[i]!.joiner + value;
  }
}

/** PATH_INFO for absolute-form and asterisk-form targets (RFC 9112 §3.2.2, §3.2.4). */
function nonOriginPath(method: string, target: string): string {
  if (target === '*') {
    if (method === 'OPTIONS') return '*';
    throw badRequest('the asterisk-form target is only for OPTIONS');
  }
  const authority = ABSOLUTE_FORM.exec(target);
  if (authority === null) throw badRequest('request target must start with "/" or be an absolute URI');
  const rest = target.slice(authority[0].length);
  if (rest.includes('#')) throw badRequest('request target must not carry a fragment');
  return rest === '' ? '/' : rest;
}
