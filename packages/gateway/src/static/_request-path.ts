// Turns the request's path into the names of the directories and file to look up under the root,
// or into a refusal. Everything that could step outside the root is refused here, before the file
// system is asked anything: `..` however it is spelled, an encoded `/` or `\` (which would let one
// segment act as two), NUL, percent-encoding that is not UTF-8 (overlong forms like `%c0%ae`),
// and dotfiles unless allowed. The realpath check in `_find-file.ts` is the second line, for
// symlinks.

/** What to do about a name starting with `.` (send's `dotfiles` option, same values). */
export type DotfilePolicy = 'ignore' | 'deny' | 'allow';

export type RequestPath =
  /** Look these names up below the root; `directory` when the path ended with `/`. */
  | { kind: 'names'; names: string[]; directory: boolean }
  /** The request was for the mount point itself (`/static` with nothing after it). */
  | { kind: 'mount-point' }
  | { kind: 'refused'; status: 400 | 403 | 404; why: string };

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
