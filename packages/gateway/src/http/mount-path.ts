// The path below a mount point, defined once (SPEC 7.2). A dispatcher (`mount()`) moves leading
// path segments from PATH_INFO to SCRIPT_NAME; the bridges then rebuild the URL a framework sees
// from what is left. Both sides must agree on which raw bytes of the request-target spell
// SCRIPT_NAME and which spell PATH_INFO, or an encoded `%2F` could count as a separator on one side
// and as data on the other. The rule: split the raw path on literal `/` only, percent-decode each
// segment on its own, and compare segment by segment; the raw remainder is the path below.
import type { Environ } from '../types.ts';
import { decodePath } from './vocabulary.ts';

export { decodePath };

const ABSOLUTE_FORM = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#]*/;

/** Everything RFC 3986 allows unescaped in a path (`pchar` and `/`). */
const PATH_CHAR = /[A-Za-z0-9\-._~!$&'()*+,;=:@/]/;

/**
 * Encodes a decoded path back into request-target form. `%`, `?` and `#` are escaped, so the result
 * decodes back to `path`; a lone surrogate (no UTF-8 form) becomes U+FFFD's bytes.
 */
export function encodePath(path: string): string {
  let out = '';
  for (const char of path) {
    if (PATH_CHAR.test(char)) out += char;
    else if (char.length === 1 && char.charCodeAt(0) >= 0xd800 && char.charCodeAt(0) <= 0xdfff) out += '%EF%BF%BD';
    else out += encodeURIComponent(char);
  }
  return out;
}

/** The path part of a request-target, not decoded: origin-form before `?`, absolute-form after the authority. */
export function rawPathOf(target: string): string {
  const q = target.indexOf('?');
  const path = q === -1 ? target : target.slice(0, q);
  if (path.charCodeAt(0) === 0x2f || path === '*') return path;
  const authority = ABSOLUTE_FORM.exec(path);
  if (authority === null) return path;
  const rest = path.slice(authority[0].length);
  return rest === '' ? '/' : rest;
}

/**
 * Strips the leading segments `segments` (decoded, e.g. `['api', 'v1']`) from `rawPath`; returns
 * the raw rest (`''` or starting with `/`), or undefined when the path does not start with them.
 * A segment matches when its raw bytes, percent-decoded on their own, equal the wanted segment:
 * `/%61pi` matches `api`, `/api%2Fv1` never matches `api`.
 */
export function stripSegments(rawPath: string, segments: readonly string[]): string | undefined {
  let at = 0; // index of the `/` that opens the next segment
  for (const wanted of segments) {
    if (rawPath.charCodeAt(at) !== 0x2f) return undefined;
    let end = rawPath.indexOf('/', at + 1);
    if (end === -1) end = rawPath.length;
    const raw = rawPath.slice(at + 1, end);
    if (raw !== wanted && (!raw.includes('%') || strictDecode(raw) !== wanted)) return undefined;
    at = end;
  }
  return rawPath.slice(at);
}

function strictDecode(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

/** SCRIPT_NAME's segments: `''` has none, `/a/b` has `a` and `b`. */
export function segmentsOf(scriptName: string): string[] {
  return scriptName === '' ? [] : scriptName.slice(1).split('/');
}

/**
 * The raw path below the mount point: the part of REQUEST_URI's path that spells PATH_INFO once
 * the segments spelling SCRIPT_NAME are taken off. Undefined when the environ no longer matches
 * its REQUEST_URI (a middleware rewrote PATH_INFO): then the only faithful path is
 * `encodePath(PATH_INFO)`, which `pathBelowMount` returns.
 */
export function rawPathBelowMount(environ: Environ): string | undefined {
  const { SCRIPT_NAME: scriptName, PATH_INFO: pathInfo } = environ;
  const rawPath = rawPathOf(environ.REQUEST_URI);
  // The common case, nothing encoded: the raw path is SCRIPT_NAME + PATH_INFO, character for character.
  if (!rawPath.includes('%')) {
    return rawPath.length === scriptName.length + pathInfo.length && rawPath.startsWith(scriptName) && rawPath.endsWith(pathInfo)
      ? rawPath.slice(scriptName.length)
      : undefined;
  }
  const rest = scriptName === '' ? rawPath : stripSegments(rawPath, segmentsOf(scriptName));
  return rest !== undefined && decodePath(rest) === pathInfo ? rest : undefined;
}

/** The path below the mount point as a request-target path: raw when possible, else re-encoded. */
export function pathBelowMount(environ: Environ): string {
  return rawPathBelowMount(environ) ?? encodePath(environ.PATH_INFO);
}

/** `?query` as the client sent it while QUERY_STRING is still that (a bare `?` kept), else rebuilt. */
function querySuffix(uri: string, query: string): string {
  const q = uri.indexOf('?');
  if (q !== -1 && uri.length - q - 1 === query.length && uri.endsWith(query)) return uri.slice(q);
  return query === '' ? '' : `?${query}`;
}

/**
 * The request-target an app mounted at SCRIPT_NAME routes on: the path below the mount (`/` for
 * the mount point itself, as Express shows a sub-app) and the query. At the root, with nothing
 * rewritten, this is the origin-form REQUEST_URI byte for byte.
 */
export function targetBelowMount(environ: Environ): string {
  const path = pathBelowMount(environ);
  return (path === '' ? '/' : path) + querySuffix(environ.REQUEST_URI, environ.QUERY_STRING);
}
