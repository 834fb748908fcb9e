// Rebuilds the absolute URL a fetch handler expects (`request.url`) from the environ's CGI keys.
// A fetch `Request` has one URL where WSGI has SCRIPT_NAME + PATH_INFO, so when the app is mounted
// under a prefix the URL carries only the part the app routes on (the way a WSGI framework routes
// on PATH_INFO). The path keeps the client's own percent-encoding whenever it can (REQUEST_URI is
// raw, SPEC rule 2.2): re-encoding the decoded PATH_INFO would turn `%2F` into a real `/`.
import type { Environ } from '@gateway-interop/gateway';
import { encodePath, targetBelowMount } from '@gateway-interop/gateway/http';

/** Characters that cannot appear in a Host value without changing what the URL means. */
const unsafeHost = /[\s/?#@\\]/;

/** `http://host:port/path?query` for `environ`, rebuilt from the raw request-target. */
export function requestUrl(environ: Environ): string {
  const origin = `${environ['gateway.url_scheme']}://${authority(environ)}`;
  const url = origin + target(environ);
  // A malformed target (the server should have refused it) still yields a usable URL.
  if (URL.canParse(url)) return url;
  const path = encodePath(environ.PATH_INFO);
  return origin + (path.charCodeAt(0) === 0x2f ? path : `/${path}`);
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

/** Path and query the app routes on (SPEC 7.2); a fetch URL's path always starts with `/`. */
function target(environ: Environ): string {
  const below = targetBelowMount(environ);
  return below.charCodeAt(0) === 0x2f ? below : `/${below}`;
}

// --- `request.url` without parsing ---------------------------------------------------------------
// A `Request` reports its URL serialized (`new URL(url).href`): host lowercased, default port and
// dot segments dropped, some characters percent-encoded. Parsing costs about 1 µs a request, and
// most requests need none of it: a lowercase host name and a target made only of characters the
// URL serializer leaves alone are already in serialized form, and the Host seen last is not
// checked again. apps/app-hono GET /hello called in-process: 4.5 µs of CPU a request when every
// URL is parsed, 3.4 with this. request-url.test.ts compares the two on every printable
// character, so a Node whose serializer differs fails there, not in production.

/** A lowercase host name whose last label cannot be read as an IPv4 number, or a dotted quad. */
const plainHostName =
  /^(?:(?:[a-z0-9_-]+\.)*[a-z_-][a-z0-9_-]*|(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9]))(?::([1-9][0-9]{0,4}))?$/;

/** Origin-form targets that serialize to themselves: no escapes to add, no dot segment. */
const plainTarget = /^\/[A-Za-z0-9!$%&()*+,\-./:;=@_~]*(?:\?[A-Za-z0-9!$%&()*+,\-./:;=?@_~]*)?$/;
const dotSegment = /\/\.|%2e/i;

/**
 * What `new Request(requestUrl(environ)).url` would be, without parsing when the URL is plain.
 * Throws a TypeError, as `new Request` would, if there is no valid URL to make.
 */
export function serializedRequestUrl(environ: Environ): string {
  const scheme = environ['gateway.url_scheme'];
  const host = environ.HTTP_HOST;
  const uri = environ.REQUEST_URI;
  if (
    environ.SCRIPT_NAME === '' &&
    spellsPathInfo(uri, environ.PATH_INFO) &&
    host !== undefined &&
    isPlainHost(host, scheme) &&
    plainTarget.test(uri) &&
    !dotSegment.test(uri)
  ) {
    return `${scheme}://${host}${uri}`;
  }
  const url = requestUrl(environ);
  try {
    return new URL(url).href;
  } catch (cause) {
    throw new TypeError(`Failed to parse URL from ${url}`, { cause });
  }
}

/** The last host found plain, per scheme: clients send the same Host again and again. */
const lastPlainHost = { http: '', https: '' };

function isPlainHost(host: string, scheme: 'http' | 'https'): boolean {
  if (host === lastPlainHost[scheme]) return true;
  const match = plainHostName.exec(host);
  if (match === null || host.includes('xn--')) return false;
  const port = match[1];
  if (port !== undefined && !isPlainPort(port, scheme)) return false;
  lastPlainHost[scheme] = host;
  return true;
}

/** A port the serializer keeps as written: in range and not the scheme's default. */
function isPlainPort(port: string, scheme: 'http' | 'https'): boolean {
  return Number(port) <= 65535 && port !== (scheme === 'https' ? '443' : '80');
}

/** A plain target (no `%`) whose path is PATH_INFO itself: no middleware rewrote it. */
function spellsPathInfo(uri: string, pathInfo: string): boolean {
  return uri.startsWith(pathInfo) && (uri.length === pathInfo.length || uri.charCodeAt(pathInfo.length) === 0x3f);
}
