// The reverse bridge, first half: a fetch `Request` (from Deno.serve, Bun, a worker runtime or a
// test) described as a gateway environ. A Request keeps no raw form, so REQUEST_URI and the raw
// headers are rebuilt from the parsed URL and `Headers` (lowercase names, repeats already joined).
import type { Environ, ErrorStream, Input } from '@gateway-interop/gateway';
import { decodePath } from '@gateway-interop/gateway/http';
import { iterateReader } from './body-iterator.ts';

/** Lines written to `gateway.errors` go to the runtime's console, available everywhere. */
const errors: ErrorStream = {
  write: (message) => console.error(message.endsWith('\n') ? message.slice(0, -1) : message),
};

/** The environ for `request`; `signal` fires when the client is gone (rule 2.9). */
export function environFromRequest(request: Request, signal: AbortSignal): Environ {
  const url = new URL(request.url);
  const scheme = url.protocol === 'https:' ? 'https' : 'http';
  const raw: string[] = [];
  const environ: Environ = {
    REQUEST_METHOD: request.method,
    SCRIPT_NAME: '',
    PATH_INFO: decodePath(url.pathname),
    QUERY_STRING: url.search.slice(1),
    REQUEST_URI: url.pathname + url.search,
    SERVER_NAME: url.hostname,
    SERVER_PORT: url.port || (scheme === 'https' ? '443' : '80'),
    // The runtime may have spoken HTTP/2 or 3; a Request does not say, so claim the common case.
    SERVER_PROTOCOL: 'HTTP/1.1',
    // Not part of a Request; runtimes that know it pass it out of band (Deno's `info.remoteAddr`).
    REMOTE_ADDR: '',
    REMOTE_PORT: '',
    'gateway.version': [1, 0],
    'gateway.url_scheme': scheme,
    'gateway.input': inputOf(request),
    'gateway.errors': errors,
    'gateway.multithread': false,
    'gateway.multiprocess': false,
    'gateway.run_once': false,
    'gateway.signal': signal,
    'gateway.raw_headers': raw,
  };
  if (!request.headers.has('host')) raw.push('host', url.host);
  for (const [name, value] of request.headers) raw.push(name, value);
  for (let i = 0; i < raw.length; i += 2) addHeader(environ, raw[i] as string, raw[i + 1] as string);
  return environ;
}

/**
 * One field into its CGI key (rule 2.3): repeats joined with `, ` (`; ` for Cookie), and no
 * `HTTP_` key for a name holding `_`, which would collide with the `-` spelling.
 */
export function addHeader(environ: Environ, name: string, value: string): void {
  if (name.includes('_')) return;
  const key = name.toUpperCase().replace(/-/g, '_');
  if (key === 'CONTENT_TYPE' || key === 'CONTENT_LENGTH') {
    environ[key] = value;
    return;
  }
  const httpKey = `HTTP_${key}` as const;
  const previous = environ[httpKey];
  const separator = key === 'COOKIE' ? '; ' : ', ';
  environ[httpKey] = previous === undefined ? value : previous + separator + value;
}

async function* noBody(): AsyncGenerator<Uint8Array> {}

/** The request body, locked only when the app starts reading it. */
function inputOf(request: Request): Input {
  return {
    [Symbol.asyncIterator]() {
      const body = request.body;
      return body === null ? noBody() : iterateReader(body.getReader());
    },
  };
}
