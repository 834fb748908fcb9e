// `--server gateway|node|fetch`: which server runs the app. The gateway is this package's own;
// `node` (node:http through toNodeHandler) and `fetch` (@hono/node-server through toFetchHandler)
// live in @gateway-interop/adapters, which this package never imports: like a framework app's
// adapter (load-app.ts), they are looked up next to the user's module at run time.
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError, parseAppSpec } from '../cli/load-app.ts';
import type { MountArg } from '../cli/mount-args.ts';
import { serve } from '../server/server.ts';
import type { ServerOptions } from '../server/server.ts';
import type { App } from '../types.ts';

export type ServerKind = 'gateway' | 'node' | 'fetch';
export const SERVER_KINDS: readonly ServerKind[] = ['gateway', 'node', 'fetch'];

/** What serves, for start-up lines and table headings. */
export const SERVER_LABELS: Readonly<Record<ServerKind, string>> = {
  gateway: 'the gateway server',
  node: 'node:http',
  fetch: '@hono/node-server',
};

/** The part of a running server the CLI and compare use, whichever server it is. */
export interface Served {
  readonly port: number;
  /** e.g. `http://127.0.0.1:8888` (no trailing slash). */
  readonly url: string;
  close(): Promise<void>;
}

/** `@gateway-interop/adapters/servers`, as much of it as is used here. */
interface OtherServers {
  serveWith(kind: 'node' | 'fetch', app: App, options: { host?: string; port?: number; shutdownTimeoutMs?: number }): Promise<Served>;
}

export function parseServerKind(value: string, flag = '--server'): ServerKind {
  if ((SERVER_KINDS as readonly string[]).includes(value)) return value as ServerKind;
  throw new UsageError(`${flag} must be one of ${SERVER_KINDS.join(', ')}, got "${value}"`);
}

/** `--servers gateway,node`: a comma-separated list, no repeats. */
export function parseServerList(value: string): ServerKind[] {
  const kinds = value.split(',').map((part) => parseServerKind(part.trim(), '--servers'));
  if (new Set(kinds).size !== kinds.length) throw new UsageError(`--servers names a server twice: "${value}"`);
  return kinds;
}

/** Resolved beside the app's module first, then from the working directory. */
async function otherServers(near: string, kind: ServerKind): Promise<OtherServers> {
  for (const from of [near, path.resolve('package.json')]) {
    try {
      const resolved = createRequire(from).resolve('@gateway-interop/adapters/servers');
      return (await import(pathToFileURL(resolved).href)) as OtherServers;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'MODULE_NOT_FOUND' && code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED') throw error;
    }
  }
  throw new UsageError(
    `--server ${kind} needs @gateway-interop/adapters beside the app (looked from ${path.dirname(near)}); install it there or use --server gateway`,
  );
}

/**
 * Serves `app` under `kind`. `near` is a file the adapters are resolved from (the app's module).
 * Only host, port and the shutdown grace apply to the other servers; the CLI refuses the rest.
 */
export async function startServer(kind: ServerKind, app: App, options: ServerOptions, near: string): Promise<Served> {
  if (kind === 'gateway') return serve(app, options);
  const servers = await otherServers(near, kind);
  const listen = { host: options.host ?? '127.0.0.1', port: options.port ?? 8888 };
  return servers.serveWith(kind, app, options.shutdownTimeoutMs === undefined ? listen : { ...listen, shutdownTimeoutMs: options.shutdownTimeoutMs });
}

/** Where the adapters are looked for: beside the first app module mounted, else the working directory. */
export function adaptersNear(mounts: readonly MountArg[]): string {
  const first = mounts.find((m) => m.source.kind === 'app');
  if (first?.source.kind !== 'app') return path.resolve('package.json');
  return path.resolve(parseAppSpec(first.source.spec).module);
}
