// The apps `gateway compare` mounts when none are named: every `apps/app-<name>/src/app.ts` of the
// workspace the command runs in, each at `/<name>`, with its native server (`src/native.ts`) where
// the framework has one. Found from the working directory upwards, so it works from any folder of
// a checkout.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../cli/load-app.ts';
import type { MountArg } from '../cli/mount-args.ts';

export interface FoundApp {
  name: string;
  mount: MountArg;
  /** The app's own-server script, if it has one. */
  native?: string;
  /** The folder of the app's package (its scripts resolve tsx from there). */
  dir: string;
}

/** The routes every demo app answers, for the index page of `compare --serve`. */
export const DEMO_ROUTES: readonly string[] = [
  '/hello',
  '/stream?n=5&ms=300',
  '/cookies',
  '/redirect',
  '/inspect?x=1',
  '/binary?size=64&seed=7',
  '/error',
];

export function findApps(from: string = process.cwd()): FoundApp[] {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    const appsDir = path.join(dir, 'apps');
    if (existsSync(appsDir)) {
      const found = readdirSync(appsDir, { withFileTypes: true })
        .filter((entry) => entry.isDirectory() && entry.name.startsWith('app-') && existsSync(path.join(appsDir, entry.name, 'src', 'app.ts')))
        .map((entry): FoundApp => {
          const appDir = path.join(appsDir, entry.name);
          const name = entry.name.slice('app-'.length);
          const native = path.join(appDir, 'src', 'native.ts');
          return {
            name,
            dir: appDir,
            mount: { prefix: `/${name}`, source: { kind: 'app', spec: `${path.relative(process.cwd(), path.join(appDir, 'src', 'app.ts')) || '.'}:app` } },
            ...(existsSync(native) ? { native } : {}),
          };
        })
        .sort((a, b) => a.name.localeCompare(b.name));
      if (found.length > 0) return found;
    }
    if (path.dirname(dir) === dir) {
      throw new UsageError('no apps to compare: name them (/express=./app.ts:app …) or run this inside the gateway-interop checkout, which has apps/app-*/src/app.ts');
    }
  }
}
