// Turns the request's path into the names of the directories and file to look up under the root,
// or into a refusal. Everything that could step outside the root is refused here, before the file
// system is asked anything: `..` however it is spelled, an encoded `/` or `\` (which would let one
// segment act as two), NUL, percent-encoding that is not UTF-8 (overlong forms like `%c0%ae`),
// and dotfiles unless allowed. The realpath check in `_find-file.ts` is the second line, for
// symlinks.
import type { Environ } from '../types.ts';

/** What to do about a name starting with `.` (send's `dotfiles` option, same values). */
export type DotfilePolicy = 'ignore' | 'deny' | 'allow';

export type RequestPath =
  /** Look these names up below the root; `directory` when the path ended with `/`. */
  | { kind: 'names'; names: string[]; directory: boolean }
  /** The request was for the mount point itself (`/static` with nothing after it). */
  | { kind: 'mount-point' }
  | { kind: 'refused'; status: 400 | 403 | 404; why: string };

// `scheme://authority` at the start of an absolute-form target (RFC 9112 §3.2.2).
const ABSOLUTE_FORM = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/;

/** Percent-decodes as the server does for PATH_INFO (SPEC 2.2): UTF-8, or as sent if invalid. */
function decodeAsServer(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** Percent-encodes a decoded segment; unlike encodeURIComponent it never throws (lone surrogates). */
function encodeSegment(segment: string): string {
  return segment.replace(/[^A-Za-z0-9\-._~!$&'()*+,;=:@]+/g, (run) =>
    [...Buffer.from(run, 'utf8')]
      .map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`)
      .join(''),
  );
}

/** The path of REQUEST_URI: no query, no `scheme://authority` of an absolute-form target. */
function pathOfTarget(uri: string): string {
  const query = uri.indexOf('?');
  const target = query === -1 ? uri : uri.slice(0, query);
  const authority = target.startsWith('/') ? null : ABSOLUTE_FORM.exec(target);
  if (authority === null) return target; // origin-form, or `*` (refused later)
  const rest = target.slice(authority[0].length);
  return rest === '' ? '/' : rest;
}

/**
 * The path below the mount point, still percent-encoded as the client sent it.
 *
 * Stand-in for the shared "raw path below SCRIPT_NAME" that `mount()` will define (issue 9); swap
 * this one function for it. At the root the raw path comes from REQUEST_URI, so `%2F` and `%2e%2e`
 * are seen as sent. Under a mount, or when a middleware has rewritten PATH_INFO so that it no
 * longer matches REQUEST_URI, this falls back to PATH_INFO, already decoded (an encoded slash is
 * then indistinguishable from a real one, which is why the shared function is wanted), and
 * re-encodes it segment by segment so both cases reach the same checks.
 */
export function rawPathBelowMount(environ: Environ): string {
  if (environ.SCRIPT_NAME === '') {
    const raw = pathOfTarget(environ.REQUEST_URI);
    if (decodeAsServer(raw) === environ.PATH_INFO) return raw;
  }
  return environ.PATH_INFO.split('/').map(encodeSegment).join('/');
}

/** Decodes and checks each segment of a raw path (see the file comment for what is refused). */
export function parseRequestPath(raw: string, dotfiles: DotfilePolicy): RequestPath {
  if (raw === '') return { kind: 'mount-point' };
  if (!raw.startsWith('/'))
    return { kind: 'refused', status: 404, why: 'the target is not a path' };
  const segments = raw.slice(1).split('/');
  const names: string[] = [];
  for (const segment of segments) {
    // Empty segments collapse (`//a` is `/a`), as path.normalize does for send; a leading `//`
    // therefore stays under the root rather than naming an absolute path.
    if (segment === '') continue;
    let name: string;
    try {
      name = decodeURIComponent(segment);
    } catch {
      return { kind: 'refused', status: 400, why: 'percent-encoding that is not UTF-8' };
    }
    if (name.includes('\0')) return { kind: 'refused', status: 400, why: 'NUL in the path' };
    if (name.includes('/') || name.includes('\\')) {
      return { kind: 'refused', status: 404, why: 'an encoded or backslash separator' };
    }
    // A drive letter or an NTFS stream name would escape path.join on Windows.
    if (process.platform === 'win32' && name.includes(':')) {
      return { kind: 'refused', status: 404, why: 'a colon (drive or stream name)' };
    }
    if (name === '.') continue;
    if (name === '..') return { kind: 'refused', status: 404, why: 'a parent segment' };
    if (name.startsWith('.') && dotfiles !== 'allow') {
      return { kind: 'refused', status: dotfiles === 'deny' ? 403 : 404, why: 'a dotfile' };
    }
    names.push(name);
  }
  return { kind: 'names', names, directory: segments.at(-1) === '' };
}
