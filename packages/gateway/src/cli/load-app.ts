// Finds the app a user names on the command line (`./src/app.ts:app`, the analog of
// `flaskapp:app`), and turns a plain Express, Fastify or Hono export into a gateway callable
// through @gateway-interop/adapters when the app's own package has it. The server itself knows
// no framework: the adapters are looked up next to the user's module, never imported here.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { App } from '../types.ts';
import { whyNotLoaded } from './syntax-check.ts';

/** A problem the user can fix; the CLI prints its message on one line and exits with code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface AppSpec {
  module: string;
  exportName: string;
}

/** Splits `path/to/module.ts:exportName`; the export defaults to `app`, as in webserver2.py. */
export function parseAppSpec(spec: string): AppSpec {
  const colon = spec.lastIndexOf(':');
  // A Windows drive letter (C:\...) is not an export separator.
  if (colon <= 1) return { module: spec, exportName: 'app' };
  const exportName = spec.slice(colon + 1);
  if (!/^[A-Za-z_$][\w$]*$/.test(exportName)) {
    throw new UsageError(`"${exportName}" in "${spec}" is not a valid export name (expected module:exportName)`);
  }
  return { module: spec.slice(0, colon), exportName };
}

interface Detector {
  toGatewayApp(value: unknown): App | undefined;
}

/** Tries the adapters package as the user's module would resolve it; undefined if absent. */
async function frameworkAdapter(file: string, value: unknown): Promise<App | undefined> {
  let resolved: string;
  try {
    resolved = createRequire(file).resolve('@gateway-interop/adapters');
  } catch {
    return undefined;
  }
  const adapters = (await import(pathToFileURL(resolved).href)) as Partial<Detector>;
  return adapters.toGatewayApp?.(value);
}

export async function loadApp(spec: string, cwd: string = process.cwd()): Promise<App> {
  const { module, exportName } = parseAppSpec(spec);
  const file = path.resolve(cwd, module);
  if (!existsSync(file)) throw new UsageError(`cannot find module "${module}" (looked for ${file})`);
  let namespace: Record<string, unknown>;
  try {
    namespace = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    throw new UsageError(`could not load "${module}": ${await whyNotLoaded(file, error)}`);
  }
  if (!(exportName in namespace)) {
    const names = Object.keys(namespace).join(', ') || 'nothing';
    throw new UsageError(`"${module}" has no export named "${exportName}" (it exports: ${names})`);
  }
  const value = namespace[exportName];
  // Frameworks first: an Express app is itself a function, but a (req, res, next) one.
  const adapted = await frameworkAdapter(file, value);
  if (adapted !== undefined) return adapted;
  if (typeof value !== 'function') {
    throw new UsageError(
      `"${module}:${exportName}" is ${value === null ? 'null' : typeof value}, not a gateway callable ` +
        `(environ, startResponse) => body; wrap framework apps with @gateway-interop/adapters`,
    );
  }
  return value as App;
}
