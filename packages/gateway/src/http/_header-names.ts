// Header names as the server meets them: the lowercase form, the environ key (`HTTP_USER_AGENT`)
// and whether the parser must act on the field. Names repeat from request to request, so each raw
// spelling is worked out once and kept; the cache is bounded so a client cannot grow it forever.

export const OTHER = 0;
export const HOST = 1;
export const CONTENT_LENGTH = 2;
export const TRANSFER_ENCODING = 3;
export const CONNECTION = 4;
export const EXPECT = 5;
export const CONTENT_TYPE = 6;
export const COOKIE = 7;
/** Not standard (RFC 9110 §7.6.1 calls it obsolete), but llhttp reads it like Connection. */
export const PROXY_CONNECTION = 8;

export interface HeaderName {
  readonly lower: string;
  /** The environ key, or null when the name holds `_` (SPEC rule 2.3: `X_Y` would pass for `X-Y`). */
  readonly environKey: string | null;
  readonly kind: number;
  /** What joins repeats of the field in its environ key (rule 2.3): '; ' for Cookie, else ', '. */
  readonly joiner: string;
}

const KINDS: Record<string, number> = {
  host: HOST,
  'content-length': CONTENT_LENGTH,
  'transfer-encoding': TRANSFER_ENCODING,
  connection: CONNECTION,
  expect: EXPECT,
  'content-type': CONTENT_TYPE,
  cookie: COOKIE,
  'proxy-connection': PROXY_CONNECTION,
};

const MAX_CACHED = 1024;
const cache = new Map<string, HeaderName>();

function describe(raw: string): HeaderName {
  const lower = raw.toLowerCase();
  const kind = KINDS[lower] ?? OTHER;
  let environKey: string | null;
  if (kind === CONTENT_TYPE) environKey = 'CONTENT_TYPE';
  else if (kind === CONTENT_LENGTH) environKey = 'CONTENT_LENGTH';
  else if (raw.includes('_')) environKey = null;
  else environKey = 'HTTP_' + raw.toUpperCase().replaceAll('-', '_');
  return { lower, environKey, kind, joiner: kind === COOKIE ? '; ' : ', ' };
}

/** Describes a header name as received (any case); `raw` must already be a valid token. */
export function headerName(raw: string): HeaderName {
  let found = cache.get(raw);
  if (found === undefined) {
    found = describe(raw);
    if (cache.size < MAX_CACHED) cache.set(raw, found);
  }
  return found;
}
