// Finds the file a checked list of names points at, and opens it, without ever opening anything
// outside the root. The names are already free of `..` and separators (_request-path.ts); what
// remains is symlinks, so every candidate is resolved with realpath and must lie inside the
// root's own realpath. A directory answers with its index file (never a listing).
import { constants } from 'node:fs';
import type { Stats } from 'node:fs';
import { open, realpath, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';

export type Found =
  /**
   * An open regular file; the caller owns `handle` and must close it (a ReadStream does). `name` is
   * the name as asked for (not the symlink's target), whose extension gives the type, as in send.
   */
  | { kind: 'file'; name: string; handle: FileHandle; stats: Stats }
  /** A directory asked for without the trailing slash. */
  | { kind: 'directory-without-slash' }
  | { kind: 'missing' };

// Codes that mean "no such file here", as send reads them; ELOOP is a symlink cycle. Anything
// else (EACCES, EIO, EMFILE) is thrown, so the server answers 500 and reports it (SPEC 5.1).
const NOT_THERE = new Set(['ENOENT', 'ENOTDIR', 'ENAMETOOLONG', 'ELOOP']);

// O_NOFOLLOW: if the checked path were swapped for a symlink after realpath, open fails rather
// than follow it. O_NONBLOCK: a FIFO planted in the root cannot hang the open. Neither exists on
// Windows, where 0 leaves them out.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

function isNotThere(error: unknown): boolean {
  return error instanceof Error && NOT_THERE.has((error as NodeJS.ErrnoException).code ?? '');
}

/** Whether `candidate` (a realpath) is `root` or lies below it. */
export function isInside(root: string, candidate: string): boolean {
  return (
    candidate === root || candidate.startsWith(root.endsWith(path.sep) ? root : root + path.sep)
  );
}

/** Realpath and stat of `file`, or undefined if it is not there or resolves outside `root`. */
async function resolveInside(
  root: string,
  file: string,
): Promise<{ real: string; stats: Stats } | undefined> {
  try {
    const real = await realpath(file);
    if (!isInside(root, real)) return undefined;
    return { real, stats: await stat(real) };
  } catch (error) {
    if (isNotThere(error)) return undefined;
    throw error;
  }
}

/** Opens a regular file; re-checks with fstat that what was opened is the file that was checked. */
async function openFile(real: string, name: string): Promise<Found> {
  let handle: FileHandle;
  try {
    handle = await open(real, OPEN_FLAGS);
  } catch (error) {
    if (isNotThere(error)) return { kind: 'missing' };
    throw error;
  }
  const stats = await handle.stat();
  if (!stats.isFile()) {
    await handle.close();
    return { kind: 'missing' };
  }
  return { kind: 'file', name, handle, stats };
}

/**
 * Looks `names` up below `root` (a realpath). `directory` says the request ended with `/`: a file
 * is then missing, as in send; a directory is served by the first of `index` that is a file.
 */
export async function findFile(
  root: string,
  names: string[],
  directory: boolean,
  index: readonly string[],
): Promise<Found> {
  const found = await resolveInside(root, path.join(root, ...names));
  if (found === undefined) return { kind: 'missing' };
  if (found.stats.isDirectory()) {
    if (!directory) return { kind: 'directory-without-slash' };
    for (const name of index) {
      const entry = await resolveInside(root, path.join(found.real, name));
      if (entry?.stats.isFile()) return openFile(entry.real, name);
    }
    return { kind: 'missing' };
  }
  if (directory || !found.stats.isFile()) return { kind: 'missing' };
  return openFile(found.real, names.at(-1) ?? '');
}
