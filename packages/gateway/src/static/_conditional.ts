// Conditional requests and ranges for a file (RFC 9110 §13, §14), decided the way send decides
// them so that Express users see the same answers: If-Match / If-Unmodified-Since fail with 412;
// If-None-Match / If-Modified-Since answer 304 (through `fresh`, send's own check); one byte range
// answers 206, an unsatisfiable one 416, and several, a malformed one or a stale If-Range get the
// whole file (RFC 9110 §14.2 lets a server ignore Range). Parsing is left to jshttp's packages.
import fresh from 'fresh';
import parseRange from 'range-parser';
import type { Environ } from '../types.ts';

/** The file's validators as sent in the response; either may be off by option. */
export interface Validators {
  etag?: string;
  lastModified?: string;
}

export type RangeAnswer =
  { kind: 'whole' } | { kind: 'part'; start: number; end: number } | { kind: 'unsatisfiable' };

// send only looks at a Range header in the bytes unit (leading spaces allowed); others are ignored.
const BYTES_RANGE = /^ *bytes=/;

function parseHttpDate(value: string | undefined): number {
  return value === undefined ? NaN : Date.parse(value);
}

/** Entity tags in a list field, e.g. `"a", W/"b"`. */
function tagList(value: string): string[] {
  return value
    .split(',')
    .map((tag) => tag.trim())
    .filter((tag) => tag !== '');
}

/** If-Match and If-Unmodified-Since (RFC 9110 §13.1.1, §13.1.4): true means answer 412. */
export function preconditionFailed(environ: Environ, v: Validators): boolean {
  const ifMatch = environ.HTTP_IF_MATCH;
  if (ifMatch) {
    if (v.etag === undefined) return true;
    if (ifMatch.trim() === '*') return false;
    // Weak comparison, as send does: `W/"x"` and `"x"` match either way round.
    const etag = v.etag;
    return tagList(ifMatch).every(
      (tag) => tag !== etag && `W/${tag}` !== etag && tag !== `W/${etag}`,
    );
  }
  const since = parseHttpDate(environ.HTTP_IF_UNMODIFIED_SINCE);
  if (Number.isNaN(since)) return false;
  const modified = parseHttpDate(v.lastModified);
  return Number.isNaN(modified) || modified > since;
}

/** If-None-Match and If-Modified-Since (RFC 9110 §13.1.2, §13.1.3): true means answer 304. */
export function notModified(environ: Environ, v: Validators): boolean {
  const request = {
    'if-none-match': environ.HTTP_IF_NONE_MATCH,
    'if-modified-since': environ.HTTP_IF_MODIFIED_SINCE,
    'cache-control': environ.HTTP_CACHE_CONTROL,
  };
  return fresh(request, { etag: v.etag, 'last-modified': v.lastModified });
}

/** If-Range (RFC 9110 §13.1.5): whether the Range still applies to this version of the file. */
function rangeStillApplies(ifRange: string | undefined, v: Validators): boolean {
  if (!ifRange) return true;
  // As send: an entity tag is looked for in the field (weak tags included, though §13.1.5 asks
  // for a strong match; the stats-based ETag is weak, so being strict would disable If-Range).
  if (ifRange.includes('"')) return v.etag !== undefined && ifRange.includes(v.etag);
  return parseHttpDate(v.lastModified) <= parseHttpDate(ifRange);
}

/** Which bytes of a file of `size` bytes to send for this request's Range (RFC 9110 §14.2). */
export function chooseRange(environ: Environ, size: number, v: Validators): RangeAnswer {
  const range = environ.HTTP_RANGE;
  if (range === undefined || !BYTES_RANGE.test(range)) return { kind: 'whole' };
  const ranges = parseRange(size, range, { combine: true });
  if (!rangeStillApplies(environ.HTTP_IF_RANGE, v)) return { kind: 'whole' };
  if (ranges === -1) return { kind: 'unsatisfiable' };
  const only = ranges === -2 || ranges.length !== 1 ? undefined : ranges[0];
  if (only === undefined) return { kind: 'whole' };
  return { kind: 'part', start: only.start, end: only.end };
}
