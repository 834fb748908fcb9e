// `gateway serve <module>:<export>`: the command-line face of the server, in the spirit of
// `python webserver2.py flaskapp:app`. Thin on purpose: parse arguments, load the app, serve it,
// drain on SIGINT/SIGTERM. A mistake the user can fix gets one line and exit code 2.
import type { ParseArgsConfig } from 'node:util';
import { parseCliArgs } from './args.ts';
import { COMPARE_HELP, parseCompare, runCompare } from '../compare/command.ts';
import { isPrimary, reportStartupFailure, runPrimary, serveFromPrimary, workerCount } from './cluster.ts';
import { UsageError } from './load-app.ts';
import { checkMounts, describeSource, loadMounts, parseAppMount, parseStaticMount } from './mount-args.ts';
import type { MountArg } from './mount-args.ts';
import { announceInspector, INSPECT_FLAGS, INSPECT_HELP, parseInspect, serveInspector } from '../inspect/start.ts';
import type { InspectAt } from '../inspect/start.ts';
import { Recorder } from '../inspect/recorder.ts';
import { compileTrust } from '../environ/proxy-trust.ts';
import { createServer, defaults, serve } from '../server/server.ts';
import { ENGINE_VARIABLE, EngineChoiceError, TRICKS, engineName, resolveEngine } from '../server/engine.ts';
import type { ServerOptions } from '../server/server.ts';
import { SERVER_LABELS, adaptersNear, parseServerKind, startServer } from '../servers/other-servers.ts';
import type { ServerKind } from '../servers/other-servers.ts';
import { USAGE_EXIT_CODE, startupErrorLine } from './startup-errors.ts';
import { serveStatic } from '../static/serve-static.ts';
import type { App } from '../types.ts';

export const HELP = `Usage: gateway serve <module>[:<export>] [options]
       gateway serve <prefix>=<module>[:<export>]... [--static <prefix>=<folder>]... [options]
       gateway compare [<METHOD>] <path> [options]   (gateway compare --help)

Serves a gateway callable (or an Express, Fastify or Hono app, through
@gateway-interop/adapters) over HTTP/1.1. <module> is a path to a .ts or .js
file; <export> defaults to "app". Several apps share one port when each is
given a path prefix: /express=./express-app.ts /hono=./hono-app.ts. The app
at the longest matching prefix answers; it sees the prefix in SCRIPT_NAME.

Options:
  --server <gateway|node|fetch> the server that runs the app: this gateway (default),
                                node:http through toNodeHandler, or @hono/node-server
                                through toFetchHandler (both from @gateway-interop/adapters;
                                they take --host, --port, --shutdown-timeout, mounts, --quiet)
  --static <prefix>=<folder>    serve the files in <folder> at <prefix> (repeatable;
                                a folder alone is mounted at /)
  --host <addr>                 address to listen on (default $HOST or 127.0.0.1)
  --port <n>                    port, 0 for any free one (default $PORT or 8888)
  --workers <n|auto>            run n worker processes (auto: one per core)
  --trace                       print every request and response head (< and > lines)
  --quiet                       no access log
${INSPECT_HELP}  --trust-proxy <list>          believe X-Forwarded-* from these proxies (addresses,
                                CIDRs, loopback, linklocal, uniquelocal; default none)
  --trust-proxy-header <name>   x-forwarded (default) or forwarded (RFC 7239)
  --max-body-bytes <n>          largest request body (default ${defaults.maxBodyBytes})
  --max-header-bytes <n>        largest request head (default ${defaults.maxHeaderBytes})
  --max-headers <n>             most header fields (default ${defaults.maxHeaders})
  --max-request-line-bytes <n>  longest request line (default ${defaults.maxRequestLineBytes})
  --max-requests-per-connection <n>  0 for no limit (default ${defaults.maxRequestsPerConnection})
  --headers-timeout <ms>        time to receive a request head (default ${defaults.headersTimeoutMs})
  --body-timeout <ms>           longest pause in a request body (default ${defaults.bodyTimeoutMs})
  --keep-alive-timeout <ms>     idle time before a connection is closed (default ${defaults.keepAliveTimeoutMs})
  --shutdown-timeout <ms>       time given to responses in flight on shutdown (default ${defaults.shutdownTimeoutMs})
  -h, --help                    show this help

Examples:
  gateway serve ./src/app.ts:app --port 9000
  gateway serve ./src/app.ts:app --server node
  gateway serve /express=./apps/app-express/src/app.ts /hono=./apps/app-hono/src/app.ts --static /=./site
`;

const NUMBER_OPTIONS = {
  'max-body-bytes': 'maxBodyBytes',
  'max-header-bytes': 'maxHeaderBytes',
  'max-headers': 'maxHeaders',
  'max-request-line-bytes': 'maxRequestLineBytes',
  'max-requests-per-connection': 'maxRequestsPerConnection',
  'headers-timeout': 'headersTimeoutMs',
  'body-timeout': 'bodyTimeoutMs',
  'keep-alive-timeout': 'keepAliveTimeoutMs',
  'shutdown-timeout': 'shutdownTimeoutMs',
} as const satisfies Record<string, keyof ServerOptions>;

const config = {
  allowPositionals: true,
  strict: true,
  options: {
    host: { type: 'string' },
    server: { type: 'string' },
    static: { type: 'string', multiple: true },
    port: { type: 'string' },
    workers: { type: 'string' },
    trace: { type: 'boolean' },
    quiet: { type: 'boolean' },
    'trust-proxy': { type: 'string' },
    'trust-proxy-header': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
    ...INSPECT_FLAGS,
    ...Object.fromEntries(Object.keys(NUMBER_OPTIONS).map((name) => [name, { type: 'string' }])),
  },
} satisfies ParseArgsConfig;

export interface ServeCommand {
  /** What is served where: one app at the root, or several apps and folders at prefixes. */
  mounts: MountArg[];
  options: ServerOptions;
  workers: number;
  /** Where the inspector page listens, with `--inspect`. */
  inspect?: InspectAt;
  /** Which server runs the app (SPEC 8: the same callable under any of them). */
  server: ServerKind;
}

/** What the gateway server alone understands: node:http and the fetch server have no such knob. */
const GATEWAY_ONLY = ['workers', 'trace', 'trust-proxy', 'trust-proxy-header', ...Object.keys(NUMBER_OPTIONS).filter((n) => n !== 'shutdown-timeout')];

function wholeNumber(name: string, value: string, max = Number.MAX_SAFE_INTEGER): number {
  if (!/^\d+$/.test(value) || Number(value) > max) {
    throw new UsageError(`${name} must be a whole number from 0 to ${max}, got "${value}"`);
  }
  return Number(value);
}

/** Turns argv (after the program name) into what to serve, or throws UsageError. */
export function parseCommand(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): ServeCommand | 'help' {
  const parsed = parseCliArgs(config, argv, 'gateway --help');
  const { values, positionals } = parsed;
  if (values.help || positionals[0] === 'help') return 'help';
  if (positionals.length === 0) throw new UsageError('missing command; try "gateway serve ./app.ts:app" or "gateway --help"');
  const [command, appSpec, ...extra] = positionals;
  if (command !== 'serve') throw new UsageError(`unknown command "${command}"; the commands are "serve" and "compare"`);
  const mounts = [appSpec, ...extra].filter((arg) => arg !== undefined).map(parseAppMount);
  for (const arg of values.static ?? []) mounts.push(parseStaticMount(arg));
  if (mounts.length === 0) throw new UsageError('serve needs the app to serve, as <module>:<export>, e.g. ./src/app.ts:app');
  checkMounts(mounts);
  const options: ServerOptions = {
    host: values.host ?? env.HOST ?? defaults.host,
    port: defaults.port,
    trace: values.trace ?? false,
    accessLog: !values.quiet,
  };
  if (values.port !== undefined) options.port = wholeNumber('--port', values.port, 65535);
  else if (env.PORT) options.port = wholeNumber('PORT', env.PORT, 65535);
  const record = values as Record<string, string | boolean | undefined>;
  for (const [flag, key] of Object.entries(NUMBER_OPTIONS)) {
    const value = record[flag];
    if (typeof value === 'string') options[key] = wholeNumber(`--${flag}`, value);
  }
  const header = values['trust-proxy-header'];
  if (header !== undefined && header !== 'x-forwarded' && header !== 'forwarded') {
    throw new UsageError(`--trust-proxy-header must be "x-forwarded" or "forwarded", got "${header}"`);
  }
  if (values['trust-proxy'] !== undefined) {
    const list = values['trust-proxy'];
    try {
      compileTrust(list, header); // checked here so a bad entry is a usage error, not a crash
    } catch (error) {
      throw new UsageError(`--trust-proxy: ${error instanceof Error ? error.message : String(error)}`);
    }
    options.trustProxy = list;
    if (header !== undefined) options.trustProxyHeader = header;
  } else if (header !== undefined) {
    throw new UsageError('--trust-proxy-header needs --trust-proxy (the proxies to believe)');
  }
  let workers = 1;
  if (values.workers !== undefined) {
    const count = workerCount(values.workers);
    if (count === undefined) throw new UsageError(`--workers must be a whole number from 1 or "auto", got "${values.workers}"`);
    workers = count;
  }
  if (workers > 1) options.multiprocess = true;
  // GATEWAY_ENGINE is read by every server the command starts: a bad value is a usage mistake.
  if (env[ENGINE_VARIABLE] !== undefined) {
    try {
      resolveEngine(env[ENGINE_VARIABLE] as Parameters<typeof resolveEngine>[0]);
    } catch (error) {
      if (error instanceof EngineChoiceError) throw new UsageError(error.message.replace(/^engine '[^']*'/, `${ENGINE_VARIABLE}=${env[ENGINE_VARIABLE]}`));
      throw error;
    }
  }
  const inspect = parseInspect(values, env);
  // Each worker would record its own share of the exchanges: one page could not show them all.
  if (inspect !== undefined && workers > 1) throw new UsageError('--inspect records in one process; use it without --workers');
  const server = values.server === undefined ? 'gateway' : parseServerKind(values.server);
  const refused = server === 'gateway' ? undefined : GATEWAY_ONLY.find((name) => record[name] !== undefined);
  if (refused !== undefined) throw new UsageError(`--${refused} is an option of the gateway server; it cannot be used with --server ${server}`);
  // The inspector's tap is a step of the gateway server's request cycle; the others have none.
  if (inspect !== undefined && server !== 'gateway') throw new UsageError(`--inspect taps the gateway server; it cannot be used with --server ${server}`);
  return { mounts, options, workers, server, ...(inspect !== undefined ? { inspect } : {}) };
}

/** The app the server runs for these mounts. */
function loadServed(mounts: readonly MountArg[]): Promise<App> {
  return loadMounts(mounts, (root) => serveStatic(root));
}

/** The start-up line, and under a dispatcher one line per mount with its URL. */
export function announce(what: string, mounts: readonly MountArg[], url: string, server?: string): string {
  const only = mounts.length === 1 && mounts[0]!.prefix === '' ? mounts[0]! : undefined;
  const under = server === undefined ? '' : ` under ${server}`;
  if (only !== undefined) return `gateway: ${what} ${describeSource(only.source)}${under} on ${url}/ (Ctrl-C to stop)\n`;
  const sorted = [...mounts].sort((a, b) => a.prefix.localeCompare(b.prefix));
  const width = Math.max(...sorted.map((m) => url.length + (m.prefix || '/').length));
  const lines = sorted.map((m) => `  ${(url + (m.prefix || '/')).padEnd(width)}  ${describeSource(m.source)}`);
  return `gateway: ${what} ${mounts.length} mounts${under} on ${url}/ (Ctrl-C to stop)\n${lines.join('\n')}\n`;
}

/** `--server node|fetch`: the same app under node:http or @hono/node-server, until a signal. */
async function serveElsewhere(kind: Exclude<ServerKind, 'gateway'>, app: App, command: ServeCommand): Promise<number> {
  const handle = await startServer(kind, app, command.options, adaptersNear(command.mounts));
  process.stdout.write(announce('serving', command.mounts, handle.url, SERVER_LABELS[kind]));
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void handle.close().then(() => {
      process.stdout.write('gateway: drained and stopped\n');
      process.exit(0);
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return 0;
}

/** Runs the CLI; resolves with the exit code once serving has started (or failed). */
export async function main(argv: readonly string[]): Promise<number> {
  let command: ServeCommand | 'help' | undefined;
  try {
    if (argv[0] === 'compare') {
      const compare = parseCompare(argv.slice(1));
      if (compare === 'help') {
        process.stdout.write(COMPARE_HELP);
        return 0;
      }
      return await runCompare(compare);
    }
    command = parseCommand(argv);
    if (command === 'help') {
      process.stdout.write(HELP);
      return 0;
    }
    if (command.workers > 1 && isPrimary()) {
      await loadServed(command.mounts); // fail here, once, rather than in every worker
      const { workers, mounts } = command;
      await runPrimary(workers, command.options.host ?? defaults.host, command.options.port ?? defaults.port, {
        log: (line) => process.stderr.write(line + '\n'),
        listening: (url) => process.stdout.write(announce(`${workers} workers serving`, mounts, url)),
        stopped: () => process.stdout.write(`gateway: ${workers} workers drained and stopped\n`),
      });
      return 0;
    }
    const app = await loadServed(command.mounts);
    if (command.server !== 'gateway') return await serveElsewhere(command.server, app, command);
    const recorder = command.inspect === undefined ? undefined : new Recorder({ apps: command.mounts.map((m) => ({ prefix: m.prefix, name: m.prefix || '/' })) });
    const options = recorder === undefined ? command.options : { ...command.options, inspect: recorder };
    // A worker does not listen: the primary passes it connections (cluster.ts).
    const handle = isPrimary() ? await serve(app, options) : null;
    const server = handle?.server ?? createServer(app, options);
    let draining = false;
    const drain = (): void => {
      if (draining) return;
      draining = true;
      void server.close().then(() => {
        if (handle) process.stdout.write('gateway: drained and stopped\n');
        process.exit(0);
      });
    };
    process.on('SIGINT', drain);
    process.on('SIGTERM', drain);
    if (handle) {
      process.stdout.write(announce('serving', command.mounts, handle.url));
      const engine = engineName(server.tricks);
      if (engine !== 'fast') {
        const on = TRICKS.filter((trick) => server.tricks[trick]);
        process.stdout.write(`gateway: engine ${engine} (from ${ENGINE_VARIABLE}); speed tricks on: ${on.join(', ') || 'none'}\n`);
      }
      if (recorder !== undefined && command.inspect !== undefined) {
        const columns = command.mounts.map((m) => ({ name: m.prefix || '/', place: { host: handle.host, port: handle.port, prefix: m.prefix } }));
        process.stdout.write(announceInspector(await serveInspector(recorder, command.inspect, columns)));
      }
    } else serveFromPrimary(server, drain);
    return 0;
  } catch (error) {
    const where = typeof command === 'object' ? command.options : undefined;
    const line = startupErrorLine(error, where);
    if (line === undefined) throw error; // not the user's mistake: keep the stack trace
    await reportStartupFailure(line);
    return USAGE_EXIT_CODE;
  }
}
