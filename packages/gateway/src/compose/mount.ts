// `mount(table)`: one gateway callable that hands each request to the app mounted at the longest
// matching path prefix, the analog of Werkzeug's DispatcherMiddleware and Rack's URLMap (SPEC 7).
// Matching is on whole segments of the raw request-target, so an encoded `%2F` or `%2e%2e` is data
// inside a segment and can never carry a request from one mount into another. The matched prefix
// moves from PATH_INFO to SCRIPT_NAME, so mounts nest, and REQUEST_URI stays as the client sent it.
import { decodePath, pathBelowMount, stripSegments } from '../http/mount-path.ts';
import type { App, Environ, StartResponse } from '../types.ts';

/** Prefixes and the apps mounted there; `'/'` (or `''`) is the root, taking what no other prefix does. */
export type MountTable = Readonly<Record<string, App>>;

export interface MountOptions {
  /** Answers requests that no prefix matches; by default a plain-text 404 naming the mounts. */
  notFound?: App;
}

interface Mount {
  /** Decoded, as it will appear in SCRIPT_NAME: `''` for the root, else `/a` or `/a/b`. */
  prefix: string;
  segments: string[];
  app: App;
}

/** Checks one table key and returns it as SCRIPT_NAME would hold it (SPEC 7.1). */
export function normalizePrefix(key: string): string {
  if (key === '' || key === '/') return '';
  const problem = !key.startsWith('/')
    ? 'must start with "/"'
    : key.endsWith('/')
      ? 'must not end with "/"'
      : key.includes('//')
        ? 'must not have an empty segment'
        : /[?#%]/.test(key)
          ? 'must not contain "?", "#" or "%" (write the decoded path)'
          : key.split('/').some((segment) => segment === '.' || segment === '..')
            ? 'must not have a "." or ".." segment'
            : // eslint-disable-next-line no-control-regex
              /[\u0000-\u001f\u007f]/.test(key)
              ? 'must not contain control characters'
              : undefined;
  if (problem !== undefined) throw new TypeError(`mount prefix "${key}" ${problem}`);
  return key;
}

function compile(table: MountTable): Mount[] {
  const mounts: Mount[] = [];
  const seen = new Map<string, string>();
  for (const [key, app] of Object.entries(table)) {
    const prefix = normalizePrefix(key);
    if (typeof app !== 'function') throw new TypeError(`mount "${key}" is not a gateway callable (got ${typeof app})`);
    const earlier = seen.get(prefix);
    if (earlier !== undefined) throw new TypeError(`mount prefixes "${earlier}" and "${key}" are the same place`);
    seen.set(prefix, key);
    mounts.push({ prefix, segments: prefix === '' ? [] : prefix.slice(1).split('/'), app });
  }
  // Longest prefix first, counted in segments: `/api/v1` is tried before `/api`, the root last.
  return mounts.sort((a, b) => b.segments.length - a.segments.length);
}

function defaultNotFound(mounts: readonly Mount[]): App {
  const listed = mounts.map((m) => m.prefix || '/').sort().join(', ');
  const body = `Not Found: no app is mounted here (mounted: ${listed || 'nothing'})\n`;
  return (_environ, startResponse) => {
    startResponse('404 Not Found', [['Content-Type', 'text/plain; charset=utf-8']]);
    return [body];
  };
}

/** A gateway callable that routes each request to the app mounted at its longest matching prefix. */
export function mount(table: MountTable, options: MountOptions = {}): App {
  const mounts = compile(table);
  const notFound = options.notFound ?? defaultNotFound(mounts);
  return function dispatch(environ: Environ, startResponse: StartResponse) {
    const pathInfo = environ.PATH_INFO;
    // Asterisk-form (`OPTIONS *`) and an empty PATH_INFO have no segments to route on.
    const below = pathInfo.charCodeAt(0) === 0x2f ? pathBelowMount(environ) : undefined;
    for (const m of mounts) {
      if (m.prefix === '') return m.app(environ, startResponse);
      if (below === undefined) continue;
      const rest = literalRest(below, m.prefix) ?? stripSegments(below, m.segments);
      if (rest === undefined) continue;
      environ.SCRIPT_NAME += m.prefix;
      environ.PATH_INFO = decodePath(rest);
      return m.app(environ, startResponse);
    }
    return notFound(environ, startResponse);
  };
}

/** The fast check: the prefix spelled out literally, followed by `/` or the end of the path. */
function literalRest(rawPath: string, prefix: string): string | undefined {
  if (!rawPath.startsWith(prefix)) return undefined;
  const next = rawPath.charCodeAt(prefix.length);
  return Number.isNaN(next) || next === 0x2f ? rawPath.slice(prefix.length) : undefined;
}
