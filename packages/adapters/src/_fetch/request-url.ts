// Rebuilds the absolute URL a fetch handler expects (`request.url`) from the environ's CGI keys.
// A fetch `Request` has one URL where WSGI has SCRIPT_NAME + PATH_INFO, so when the app is mounted
// under a prefix the URL carries only the part the app routes on (the way a WSGI framework routes
// on PATH_INFO). The path keeps the client's own percent-encoding whenever it can (REQUEST_URI is
// raw, SPEC rule 2.2): re-encoding the decoded PATH_INFO would turn `%2F` into a real `/`.
import type { Environ } from '@gateway-interop/gateway';

/** Characters that cannot appear in a Host value without changing what the URL means. */
const unsafeHost = /[\s/?#@\\]/;

/** Everything RFC 3986 allows in a path (`pchar` and `/`); the rest gets percent-encoded. */
const pathChar = /[A-Za-z0-9\-._~!$&'()*+,;=:@/]/;

/** `http://host:port/path?query` for `environ`, rebuilt from the raw request-target. */
export function requestUrl(environ: Environ): string {
  const origin = `${environ['gateway.url_scheme']}://${authority(environ)}`;
  const url = origin + target(environ);
  // A malformed target (the server should have refused it) still yields a usable URL.
  return URL.canParse(url) ? url : origin + encodePath(environ.PATH_INFO);
}

/** The Host header if it is a plain authority, else SERVER_NAME:SERVER_PORT (RFC 9112 §3.2). */
function authority(environ: Environ): string {
  const host = environ.HTTP_HOST;
  if (host && !unsafeHost.test(host) && URL.canParse(`http://${host}/`)) return host;
  const defaultPort = environ['gateway.url_scheme'] === 'https' ? '443' : '80';
  const bare = environ.SERVER_NAME;
  const name = bare.includes(':') && !bare.startsWith('[') ? `[${bare}]` : bare;
  return environ.SERVER_PORT === defaultPort ? name : `${name}:${environ.SERVER_PORT}`;
}

/** Path and query the app should see: raw where possible, re-encoded from PATH_INFO otherwise. */
function target(environ: Environ): string {
  const query = environ.QUERY_STRING ? `?${environ.QUERY_STRING}` : '';
  const uri = environ.REQUEST_URI;
  // Origin-form only: absolute-form (`GET http://…`) and asterisk-form fall through to PATH_INFO.
  if (uri.startsWith('/')) {
    if (environ.SCRIPT_NAME === '') return uri;
    const queryAt = uri.indexOf('?');
    const rawPath = queryAt === -1 ? uri : uri.slice(0, queryAt);
    const rest = stripMount(rawPath, environ.SCRIPT_NAME, environ.PATH_INFO);
    if (rest !== undefined) return rest + query;
  }
  return encodePath(environ.PATH_INFO) + query;
}

/**
 * Drops as many raw segments as SCRIPT_NAME has, then checks that what is left decodes to
 * PATH_INFO; `undefined` when the two disagree (a dispatcher rewrote the path, say).
 */
function stripMount(rawPath: string, scriptName: string, pathInfo: string): string | undefined {
  const mountSegments = scriptName.split('/').length;
  const segments = rawPath.split('/');
  const prefix = segments.slice(0, mountSegments).join('/');
  const rest = segments.length > mountSegments ? `/${segments.slice(mountSegments).join('/')}` : '';
  if (decode(prefix) !== scriptName || decode(rest) !== pathInfo) return undefined;
  return rest === '' ? '/' : rest;
}

function decode(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

/** Percent-encodes a decoded path back into URL form; `%` itself included, so it round-trips. */
export function encodePath(path: string): string {
  let out = '';
  for (const char of path) out += pathChar.test(char) ? char : encodeChar(char);
  return out.startsWith('/') ? out : `/${out}`;
}

function encodeChar(char: string): string {
  try {
    return encodeURIComponent(char);
  } catch {
    // A lone surrogate cannot be UTF-8 encoded; U+FFFD is what a decoder would have produced.
    return '%EF%BF%BD';
  }
}
