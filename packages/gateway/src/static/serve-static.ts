// serveStatic(root, options): a gateway callable that serves the files under one directory, at the
// root or mounted beside other apps. It answers as Express's static middleware (serve-static over
// send) answers, built from the same jshttp packages, and departs where safety asks for it; the
// differences are listed in test/static/differential.test.ts and SECURITY.md.
import { realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import type { App } from '../types.ts';
import { findFile } from './_find-file.ts';
import { pathBelowMount } from '../http/mount-path.ts';
import { parseRequestPath } from './_request-path.ts';
import type { DotfilePolicy } from './_request-path.ts';
import { redirectToDirectory, refuse, sendFile } from './_responses.ts';
import type { ResponseSettings } from './_responses.ts';

/** Options, named and defaulted as send's so an Express user's settings carry over. */
export interface StaticOptions {
  /** Files that answer for a directory asked for with `/`, first found wins; `false` for none. Default `'index.html'`. */
  index?: string | readonly string[] | false;
  /** Names starting with `.`: `'ignore'` answers 404 (default), `'deny'` 403, `'allow'` serves them. */
  dotfiles?: DotfilePolicy;
  /** Answer a directory asked for without `/` with a 301 to the path with `/` (default); `false`: 404. */
  redirect?: boolean;
  /** Send a weak ETag from size and mtime (the `etag` package, as send). Default true. */
  etag?: boolean;
  /** Send Last-Modified from mtime. Default true. */
  lastModified?: boolean;
  /** Send `Accept-Ranges: bytes` and honour a single byte Range. Default true. */
  acceptRanges?: boolean;
  /** Send Cache-Control (`public, max-age=N`). Default true. */
  cacheControl?: boolean;
  /** max-age in milliseconds, as send takes it, capped at one year. Default 0. */
  maxAge?: number;
  /** Add `immutable` to Cache-Control. Default false. */
  immutable?: boolean;
}

const ONE_YEAR_MS = 365 * 24 * 60 * 60 * 1000;
const DOTFILES: readonly DotfilePolicy[] = ['ignore', 'deny', 'allow'];

function optionError(message: string): TypeError {
  return new TypeError(`serveStatic: ${message}`);
}

function settleIndex(index: StaticOptions['index']): string[] {
  if (index === undefined) return ['index.html'];
  if (index === false) return [];
  const names = typeof index === 'string' ? [index] : [...index];
  for (const name of names) {
    if (typeof name !== 'string' || name === '' || /[/\\\0]/.test(name) || name === '..') {
      throw optionError(`index must be file names without separators, got ${JSON.stringify(name)}`);
    }
  }
  return names;
}

function settleCacheControl(options: StaticOptions): string | undefined {
  if (options.cacheControl === false) return undefined;
  const maxAge = options.maxAge ?? 0;
  if (typeof maxAge !== 'number' || !(maxAge >= 0)) {
    throw optionError(`maxAge must be a number of milliseconds, 0 or more, got ${String(maxAge)}`);
  }
  const seconds = Math.floor(Math.min(maxAge, ONE_YEAR_MS) / 1000);
  return `public, max-age=${seconds}${options.immutable ? ', immutable' : ''}`;
}

/** The root's realpath, checked once: a missing root is a mistake to report now, not per request. */
function resolveRoot(root: string): string {
  if (typeof root !== 'string' || root === '') throw optionError('root must be a directory path');
  let real: string;
  try {
    real = realpathSync(path.resolve(root));
  } catch {
    throw new Error(
      `serveStatic: root ${JSON.stringify(root)} does not exist; give the directory to serve`,
    );
  }
  if (!statSync(real).isDirectory()) {
    throw new Error(`serveStatic: root ${JSON.stringify(root)} is not a directory`);
  }
  return real;
}

/**
 * A gateway callable serving the files under `root`.
 *
 * - The file is the request's path below the mount point (SCRIPT_NAME), read from the raw target
 *   so that `%2F` and `%2e%2e` are seen as sent. Only GET and HEAD: others get 405 with
 *   `Allow: GET, HEAD` (serve-static's answer with `fallthrough: false`; an app has no "next").
 * - Content-Type from `mime-types` by extension (`application/octet-stream` when unknown);
 *   `ETag`, `Last-Modified`, `Cache-Control`, `Accept-Ranges` as send sends them; 304 for
 *   If-None-Match / If-Modified-Since, 412 for If-Match / If-Unmodified-Since; one byte range
 *   gives 206, an unsatisfiable one 416 with `Content-Range: bytes *\/size`, several the whole file.
 * - A directory: with a trailing `/`, its index file; without, a 301 to the path with `/` (the
 *   mount point and query kept); never a listing. A file asked for with a trailing `/` is 404.
 * - Refused, reading nothing: `..` in any spelling, an encoded `/` or `\`, a backslash, dotfiles
 *   (by default), anything that resolves outside the root through a symlink (404); NUL or
 *   percent-encoding that is not UTF-8 (400). See SECURITY.md.
 * - The body is the file's ReadStream (SPEC 4.1), so it streams with backpressure.
 *
 * Throws at once if `root` is not a directory or an option is out of range.
 */
export function serveStatic(root: string, options: StaticOptions = {}): App {
  const dotfiles = options.dotfiles ?? 'ignore';
  if (!DOTFILES.includes(dotfiles))
    throw optionError(
      `dotfiles must be 'ignore', 'deny' or 'allow', got ${JSON.stringify(dotfiles)}`,
    );
  const index = settleIndex(options.index);
  const redirect = options.redirect !== false;
  const settings: ResponseSettings = {
    etag: options.etag !== false,
    lastModified: options.lastModified !== false,
    acceptRanges: options.acceptRanges !== false,
    cacheControl: settleCacheControl(options),
  };
  const realRoot = resolveRoot(root);

  return async function serveStatic(environ, startResponse) {
    const method = environ.REQUEST_METHOD;
    if (method !== 'GET' && method !== 'HEAD') {
      startResponse('405 Method Not Allowed', [
        ['Allow', 'GET, HEAD'],
        ['Content-Length', '0'],
      ]);
      return [];
    }
    // The raw path below the mount (SPEC 7.2): `%2F` and `%2e%2e` are checked as the client sent them.
    const raw = pathBelowMount(environ);
    const asked = parseRequestPath(raw, dotfiles);
    if (asked.kind === 'refused') return refuse(startResponse, asked.status);
    if (asked.kind === 'mount-point') {
      return redirect
        ? redirectToDirectory(environ, startResponse, raw)
        : refuse(startResponse, 404);
    }
    const found = await findFile(realRoot, asked.names, asked.directory, index);
    if (found.kind === 'missing') return refuse(startResponse, 404);
    if (found.kind === 'directory-without-slash') {
      return redirect
        ? redirectToDirectory(environ, startResponse, raw)
        : refuse(startResponse, 404);
    }
    return sendFile(environ, startResponse, found, settings);
  };
}
