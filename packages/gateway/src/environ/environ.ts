// Builds the environ for one request (SPEC section 2): CGI keys from the request line and the
// connection, one HTTP_* key per header field, and the gateway.* keys. The object is made in one
// literal (environ-shape.ts), so environs of requests with the same header names share one hidden
// class, which keeps reads fast in apps and middleware.
import { badRequest } from '../http/errors.ts';
import { decodePath } from '../http/vocabulary.ts';
import { WRITER, bareMaker, makerFor } from './_environ-shape.ts';
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

const SIGNAL: PropertyDescriptor = {
  get(this: { [WRITER]: ResponseWriter }): AbortSignal {
    return this[WRITER].signal;
  },
  enumerable: true,
  configurable: true,
};
const ABSOLUTE_FORM = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#]*/;

export function buildEnviron(
  head: RequestHead,
  remoteAddress: string,
  remotePort: string,
  info: ServerInfo,
  input: Input,
  writer: ResponseWriter,
): Environ {
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
  // One literal per sequence of header names (environ-shape.ts); past the bound on sequences,
  // the HTTP_* keys are added one by one.
  const maker = makerFor(head.names);
  const environ = (maker ?? bareMaker)(
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
  if (maker === null) addHeaderKeys(environ as Record<string, unknown>, head);
  // The signal is an own getter, so a copy made with `{ ...environ }` still carries it (rule 2.9),
  // and the AbortSignal behind it (about 2 µs to make) is only made if somebody asks. One
  // shared descriptor costs 0.1-0.2 µs a request; a getter written in a literal, ~0.6 µs.
  Object.defineProperty(environ, 'gateway.signal', SIGNAL);
  return environ as unknown as Environ;
}

/** The HTTP_* keys added one at a time: rule 2.3, repeats joined (Cookie with '; '). */
function addHeaderKeys(environ: Record<string, unknown>, head: RequestHead): void {
  const raw = head.rawHeaders;
  const names = head.names;
  for (let i = 0; i < names.length; i++) {
    const meaning = names[i]!;
    const key = meaning.environKey;
    if (key === null) continue;
    const value = raw[2 * i + 1]!;
    const previous = environ[key] as string | undefined;
    environ[key] = previous === undefined ? value : previous + meaning.joiner + value;
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
