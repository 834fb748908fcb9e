// `req.url` for a bridged request. Node hands frameworks the request-target exactly as the client
// sent it, percent-encoding untouched, so at the root the URL is REQUEST_URI itself, byte for byte.
// Under a mount point (a dispatcher moved leading segments into SCRIPT_NAME, SPEC 2.1) the app must
// see the path below the mount, as Express shows a mounted sub-app: the raw path minus the raw
// prefix that spells SCRIPT_NAME, keeping the client's encoding of the rest. Only when the environ
// no longer matches REQUEST_URI (middleware rewrote PATH_INFO) is the path re-encoded from PATH_INFO.
import type { Environ } from '@gateway-interop/gateway';

/** Percent-decodes as the server does for PATH_INFO (SPEC 2.2): UTF-8, or as sent if invalid. */
function decodePath(path: string): string {
  if (!path.includes('%')) return path;
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** Encodes a decoded path for a request-target: what encodeURI leaves alone, minus `?` and `#`. */
function encodePath(path: string): string {
  try {
    return encodeURI(path).replace(/[?#]/g, (char) => encodeURIComponent(char));
  } catch {
    return path; // a lone surrogate: nothing faithful to do, so pass it on as it is
  }
}

function withQuery(path: string, query: string): string {
  return query === '' ? path : `${path}?${query}`;
}

/** The part of the raw path below SCRIPT_NAME, if the raw path still spells SCRIPT_NAME + PATH_INFO. */
function rawPathBelow(rawPath: string, scriptName: string, pathInfo: string): string | undefined {
  for (let cut = rawPath.indexOf('/', 1); ; cut = rawPath.indexOf('/', cut + 1)) {
    const end = cut === -1 ? rawPath.length : cut;
    const prefix = decodePath(rawPath.slice(0, end));
    if (prefix.length > scriptName.length) return undefined;
    if (prefix === scriptName) {
      const rest = rawPath.slice(end);
      return decodePath(rest) === pathInfo ? rest : undefined;
    }
    if (cut === -1) return undefined;
  }
}

/** The URL a node handler sees in `req.url` for this environ. */
export function requestUrl(environ: Environ): string {
  const { SCRIPT_NAME: scriptName, PATH_INFO: pathInfo, QUERY_STRING: query, REQUEST_URI: uri } = environ;
  const q = uri.indexOf('?');
  const rawPath = q === -1 ? uri : uri.slice(0, q);
  const rawQuery = q === -1 ? '' : uri.slice(q + 1);
  if (scriptName === '') {
    if (rawQuery === query && decodePath(rawPath) === pathInfo) return uri;
  } else {
    const below = rawPathBelow(rawPath, scriptName, pathInfo);
    // Express shows `/` to a sub-app asked for its mount point itself (PATH_INFO '').
    if (below !== undefined) return withQuery(below === '' ? '/' : below, query);
  }
  return withQuery(pathInfo === '' ? '/' : encodePath(pathInfo), query);
}
