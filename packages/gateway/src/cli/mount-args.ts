// What `gateway serve` and `gateway compare` are asked to mount: `/express=./app.ts:app` puts an
// app at a prefix, `--static /=./site` puts a folder of files there, and a plain `./app.ts:app`
// is the root. Mistakes (bad syntax, two things at one prefix, a missing folder) are usage errors,
// found before anything loads or listens.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { mount, normalizePrefix } from '../compose/mount.ts';
import { UsageError, loadApp } from './load-app.ts';
import type { App } from '../types.ts';

export type MountSource =
  | { kind: 'app'; spec: string }
  /** `root` resolved; `given` as the user wrote it, for messages. */
  | { kind: 'static'; root: string; given: string };

export interface MountArg {
  /** As SCRIPT_NAME will hold it: `''` for the root, else `/a` or `/a/b`. */
  prefix: string;
  source: MountSource;
}

/** Splits `<prefix>=<what>`; without `=` (or with a first part that is no path) `what` is the root. */
function split(arg: string): { prefix: string; rest: string } {
  const eq = arg.indexOf('=');
  if (eq === -1 || !arg.startsWith('/')) return { prefix: '', rest: arg };
  const rawPrefix = arg.slice(0, eq);
  try {
    return { prefix: normalizePrefix(rawPrefix), rest: arg.slice(eq + 1) };
  } catch (error) {
    throw new UsageError(`in "${arg}": ${(error as Error).message}`);
  }
}

/** `/express=./app.ts:app` or `./app.ts:app` (the root). */
export function parseAppMount(arg: string): MountArg {
  const { prefix, rest } = split(arg);
  if (rest === '') throw new UsageError(`"${arg}" names no module; write <prefix>=<module>[:<export>], e.g. /express=./app.ts:app`);
  return { prefix, source: { kind: 'app', spec: rest } };
}

/** `--static /docs=./site` or `--static ./site` (the root); the folder must exist. */
export function parseStaticMount(arg: string, cwd: string = process.cwd()): MountArg {
  const { prefix, rest } = split(arg);
  if (rest === '') throw new UsageError(`--static "${arg}" names no folder; write --static <prefix>=<folder>, e.g. --static /=./site`);
  const root = path.resolve(cwd, rest);
  if (!existsSync(root)) throw new UsageError(`--static: the folder "${rest}" does not exist (looked for ${root})`);
  if (!statSync(root).isDirectory()) throw new UsageError(`--static: "${rest}" is not a folder`);
  return { prefix, source: { kind: 'static', root, given: rest } };
}

/** Refuses two things at one prefix. */
export function checkMounts(mounts: readonly MountArg[]): void {
  const seen = new Map<string, MountArg>();
  for (const m of mounts) {
    const earlier = seen.get(m.prefix);
    if (earlier !== undefined) {
      throw new UsageError(`two things are mounted at "${m.prefix || '/'}": ${describeSource(earlier.source)} and ${describeSource(m.source)}`);
    }
    seen.set(m.prefix, m);
  }
}

export function describeSource(source: MountSource): string {
  return source.kind === 'app' ? source.spec : `files in ${source.given}`;
}

export type StaticFactory = (root: string) => App;

/**
 * Loads every app and builds what the server runs: the one app itself when it is alone at the
 * root (no dispatcher in the way), else `mount()` of them all.
 */
export async function loadMounts(mounts: readonly MountArg[], serveFiles: StaticFactory, cwd: string = process.cwd()): Promise<App> {
  const table: Record<string, App> = {};
  for (const m of mounts) {
    table[m.prefix || '/'] = m.source.kind === 'app' ? await loadApp(m.source.spec, cwd) : serveFiles(m.source.root);
  }
  const only = mounts.length === 1 ? mounts[0]! : undefined;
  if (only !== undefined && only.prefix === '') return table['/']!;
  return mount(table);
}
