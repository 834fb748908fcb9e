// `--inspect` for the CLI (`gateway serve` and `gateway compare --serve`): the flags, a recorder to
// tap the served server with, and the inspector page on a port of its own — loopback unless
// `--inspect-host` says otherwise, since the page shows every request's headers and body.
import type { Column } from '../compare/compare.ts';
import { UsageError } from '../cli/load-app.ts';
import { serve } from '../server/server.ts';
import type { ServeHandle } from '../server/server.ts';
import { inspectorApp } from './inspector-app.ts';
import { Recorder } from './recorder.ts';

export const INSPECT_DEFAULTS = { host: '127.0.0.1', port: 8889 } as const;

/** parseArgs options for the three flags. */
export const INSPECT_FLAGS = {
  inspect: { type: 'boolean' },
  'inspect-port': { type: 'string' },
  'inspect-host': { type: 'string' },
} as const;

export const INSPECT_HELP = `  --inspect                     record each exchange and serve the inspector page
  --inspect-port <n>            the inspector's port (default $INSPECT_PORT or ${INSPECT_DEFAULTS.port}; 0: any free one)
  --inspect-host <addr>         the inspector's address (default ${INSPECT_DEFAULTS.host}: it shows
                                every request, so it is not exposed unless asked)
`;

export interface InspectAt {
  host: string;
  port: number;
}

/**
 * The inspector's address from the flags, undefined without `--inspect`, or a UsageError.
 * `INSPECT_PORT` in the environment sets the default port, as `PORT` does for the server's.
 */
export function parseInspect(
  values: { inspect?: boolean; 'inspect-port'?: string; 'inspect-host'?: string },
  env: NodeJS.ProcessEnv = process.env,
): InspectAt | undefined {
  const host = values['inspect-host'];
  if (!values.inspect) {
    if (values['inspect-port'] !== undefined || host !== undefined)
      throw new UsageError('--inspect-port and --inspect-host need --inspect');
    return undefined;
  }
  const [name, port] =
    values['inspect-port'] !== undefined
      ? ['--inspect-port', values['inspect-port']]
      : ['INSPECT_PORT', env.INSPECT_PORT || undefined];
  if (port !== undefined && (!/^\d+$/.test(port) || Number(port) > 65535)) {
    throw new UsageError(`${name} must be a whole number from 0 to 65535, got "${port}"`);
  }
  return {
    host: host ?? INSPECT_DEFAULTS.host,
    port: port === undefined ? INSPECT_DEFAULTS.port : Number(port),
  };
}

export interface Inspector {
  recorder: Recorder;
  handle: ServeHandle;
  close(): Promise<void>;
}

/**
 * Serves the inspector page for `recorder` at `at`. `columns` are the mounted apps the compare view
 * sends to (their place on the served server).
 */
export async function serveInspector(
  recorder: Recorder,
  at: InspectAt,
  columns: readonly Column[],
): Promise<Inspector> {
  // The event streams never end by themselves: on shutdown they are cut at once.
  const handle = await serve(inspectorApp({ recorder, columns }), {
    host: at.host,
    port: at.port,
    accessLog: false,
    shutdownTimeoutMs: 200,
  });
  return { recorder, handle, close: () => handle.close() };
}

/** The start-up line. */
export function announceInspector(inspector: Inspector): string {
  return `gateway: inspector on ${inspector.handle.url}/ (every exchange is recorded: the last 200, bodies up to 64 KiB)\n`;
}
