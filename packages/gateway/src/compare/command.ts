// `gateway compare`: mounts every app (those in apps/*, or the ones named) on one gateway server on
// an ephemeral port, sends each the same request, and prints the answers side by side. `--serve`
// keeps them mounted on one port for a workshop room instead, with an index page at `/`.
import { readFileSync } from 'node:fs';
import type { ParseArgsConfig } from 'node:util';
import { parseCliArgs } from '../cli/args.ts';
import { mount } from '../compose/mount.ts';
import { UsageError, loadApp } from '../cli/load-app.ts';
import { checkMounts, describeSource, parseAppMount, parseStaticMount } from '../cli/mount-args.ts';
import type { MountArg } from '../cli/mount-args.ts';
import { defaults, serve } from '../server/server.ts';
import { SERVER_KINDS, adaptersNear, parseServerKind, parseServerList, startServer } from '../servers/other-servers.ts';
import type { ServerKind, Served } from '../servers/other-servers.ts';
import { serveStatic } from '../static/serve-static.ts';
import type { App } from '../types.ts';
import { compareAll } from './compare.ts';
import type { Column, CompareRequest } from './compare.ts';
import { DEMO_ROUTES, findApps } from './discover.ts';
import type { FoundApp } from './discover.ts';
import { indexPage } from './index-page.ts';
import { startNative } from './native.ts';
import type { NativeServer } from './native.ts';
import { renderComparison, renderRaw } from './render.ts';
import { Recorder } from '../inspect/recorder.ts';
import { announceInspector, INSPECT_FLAGS, parseInspect, serveInspector } from '../inspect/start.ts';
import type { InspectAt, Inspector } from '../inspect/start.ts';
import { isToken } from '../http/vocabulary.ts';

export const COMPARE_HELP = `Usage: gateway compare [<METHOD>] <path> [options] [<prefix>=<module>[:<export>]...]
       gateway compare --serve [--port <n>] [--inspect] [<prefix>=<module>[:<export>]...]

Mounts every app (by default each apps/app-<name>/src/app.ts of this checkout,
at /<name>) on one gateway server, sends each the same request, and prints the
answers side by side: status, every header field (those the server adds are
tagged [s], framing [f]; ≠ marks what differs), the body and the time.

Options:
  -d, --data <text|@file>   request body (the method defaults to POST)
  -H, --header <name: value>  request header field (repeatable)
  --native                  also ask each framework's own server (a column each)
  --server <gateway|node|fetch>  serve the apps with this server (columns app@server)
  --servers <list>          several, side by side: --servers gateway,node,fetch
  --json                    print the comparison as JSON
  --raw                     print each answer's raw bytes instead of the table
  --serve                   keep the apps mounted on one port, with an index page
  --host <addr>, --port <n> where --serve listens (default 127.0.0.1:8888)
  --inspect                 with --serve: record every exchange and serve the inspector
                            page, with its compare view (--inspect-port, default 8889;
                            --inspect-host, default 127.0.0.1)
  -h, --help                show this help

Examples:
  gateway compare GET /hello
  gateway compare POST /echo -d 'hi' -H 'Content-Type: text/plain'
  gateway compare /cookies --native
  gateway compare --servers gateway,node,fetch GET /hello /express=./apps/app-express/src/app.ts
`;

const config = {
  allowPositionals: true,
  strict: true,
  options: {
    data: { type: 'string', short: 'd' },
    header: { type: 'string', short: 'H', multiple: true },
    native: { type: 'boolean' },
    server: { type: 'string' },
    servers: { type: 'string' },
    json: { type: 'boolean' },
    raw: { type: 'boolean' },
    serve: { type: 'boolean' },
    host: { type: 'string' },
    port: { type: 'string' },
    static: { type: 'string', multiple: true },
    help: { type: 'boolean', short: 'h' },
    ...INSPECT_FLAGS,
  },
} satisfies ParseArgsConfig;

export interface CompareCommand {
  request: CompareRequest | undefined;
  /** Named mounts; empty means the apps found in apps/*. */
  mounts: MountArg[];
  native: boolean;
  /** The servers the apps run under, one column per app and server (SPEC 8). */
  servers: ServerKind[];
  /** Whether a server was named (columns then read `express@node`, else just `express`). */
  serversNamed: boolean;
  output: 'table' | 'json' | 'raw';
  serve: { host: string; port: number } | undefined;
  /** Where the inspector listens (`--serve --inspect`). */
  inspect?: InspectAt;
}

const METHOD = /^[A-Z][A-Z-]*$/;

function header(text: string): [string, string] {
  const colon = text.indexOf(':');
  const name = colon === -1 ? '' : text.slice(0, colon).trim();
  if (!isToken(name)) throw new UsageError(`-H "${text}" is not a header field; write -H 'Name: value'`);
  return [name, text.slice(colon + 1).trim()];
}

/** Turns compare's argv into a command, or throws UsageError. */
export function parseCompare(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): CompareCommand | 'help' {
  const parsed = parseCliArgs(config, argv, 'gateway compare --help');
  const { values } = parsed;
  if (values.help) return 'help';
  const positionals = [...parsed.positionals];
  const output = values.json ? 'json' : values.raw ? 'raw' : 'table';
  if (values.json && values.raw) throw new UsageError('--json and --raw cannot be used together');
  let request: CompareRequest | undefined;
  if (!values.serve) {
    const method = positionals[0] !== undefined && METHOD.test(positionals[0]) ? positionals.shift()! : values.data !== undefined ? 'POST' : 'GET';
    const path = positionals.shift();
    if (path === undefined || !path.startsWith('/')) {
      throw new UsageError(`compare needs a path starting with "/", e.g. gateway compare GET /hello${path === undefined ? '' : ` (got "${path}")`}`);
    }
    request = { method, path, headers: (values.header ?? []).map(header) };
    if (values.data !== undefined) request.body = readData(values.data);
  } else if (values.native) {
    throw new UsageError('--native compares one request; it cannot be used with --serve');
  }
  const mounts = positionals.map((arg) => {
    if (!arg.startsWith('/') || !arg.includes('=')) throw new UsageError(`unexpected argument "${arg}"; apps to compare are named <prefix>=<module>[:<export>]`);
    return parseAppMount(arg);
  });
  for (const arg of values.static ?? []) mounts.push(parseStaticMount(arg));
  checkMounts(mounts);
  let serveAt: CompareCommand['serve'];
  if (values.serve) {
    const port = values.port ?? env.PORT ?? String(defaults.port);
    if (!/^\d+$/.test(port) || Number(port) > 65535) throw new UsageError(`--port must be a whole number from 0 to 65535, got "${port}"`);
    serveAt = { host: values.host ?? (env.HOST || defaults.host), port: Number(port) };
  } else if (values.host !== undefined || values.port !== undefined) {
    throw new UsageError('--host and --port are for --serve; a comparison runs on a free port of its own');
  }
  const inspect = parseInspect(values, env);
  if (inspect !== undefined && !values.serve) throw new UsageError('--inspect is for --serve; a one-off comparison has nothing to watch');
  if (values.server !== undefined && values.servers !== undefined) throw new UsageError('--server and --servers cannot be used together; --servers gateway,node names several');
  const servers = values.servers !== undefined ? parseServerList(values.servers) : [parseServerKind(values.server ?? 'gateway')];
  if (values.serve && servers.length > 1) throw new UsageError(`--serve runs one server; use --server with one of ${SERVER_KINDS.join(', ')}`);
  if (inspect !== undefined && servers[0] !== 'gateway') throw new UsageError(`--inspect taps the gateway server; it cannot be used with --server ${servers[0]}`);
  const serversNamed = values.server !== undefined || values.servers !== undefined;
  return { request, mounts, native: values.native ?? false, servers, serversNamed, output, serve: serveAt, ...(inspect !== undefined ? { inspect } : {}) };
}

function readData(data: string): Uint8Array {
  if (!data.startsWith('@')) return Buffer.from(data, 'utf8');
  try {
    return readFileSync(data.slice(1));
  } catch (error) {
    throw new UsageError(`-d ${data}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
}

interface Mounted {
  name: string;
  mount: MountArg;
  found?: FoundApp;
}

async function buildTable(mounted: readonly Mounted[]): Promise<Record<string, App>> {
  const table: Record<string, App> = {};
  for (const { mount: m } of mounted) table[m.prefix || '/'] = m.source.kind === 'app' ? await loadApp(m.source.spec) : serveStatic(m.source.root);
  return table;
}

/** Runs `gateway compare`; resolves with the exit code (serving resolves only once stopped). */
export async function runCompare(command: CompareCommand, stdout: NodeJS.WriteStream = process.stdout): Promise<number> {
  const found = command.mounts.length === 0 ? findApps() : [];
  const mounted: Mounted[] =
    command.mounts.length > 0
      ? command.mounts.map((m) => ({ name: m.prefix || '/', mount: m }))
      : found.map((app) => ({ name: app.name, mount: app.mount, found: app }));
  const table = await buildTable(mounted);
  const near = adaptersNear(mounted.map((m) => m.mount));
  if (command.serve !== undefined) return serveForRoom(mounted, table, command.serve, command.servers[0]!, near, stdout, command.inspect);
  // One server of each kind, all serving the same mounted apps: only the server differs by column.
  const handles: Array<{ kind: ServerKind; served: Served }> = [];
  const natives: Array<{ name: string; server: NativeServer }> = [];
  try {
    for (const kind of command.servers) handles.push({ kind, served: await startServer(kind, mount(table), { host: '127.0.0.1', port: 0, accessLog: false }, near) });
    const columns: Column[] = [];
    for (const m of mounted) {
      for (const { kind, served } of handles) {
        columns.push({ name: command.serversNamed ? `${m.name}@${kind}` : m.name, place: { host: '127.0.0.1', port: served.port, prefix: m.mount.prefix } });
      }
      if (command.native && m.found?.native !== undefined) {
        const server = await startNative(m.found.native, m.found.dir);
        natives.push({ name: m.name, server });
        columns.push({ name: `${m.name} (native)`, place: server.place });
      }
    }
    const comparison = await compareAll(columns, command.request!);
    const width = (stdout.isTTY && stdout.columns) || 80;
    const color = stdout.isTTY === true && !('NO_COLOR' in process.env);
    if (command.output === 'json') stdout.write(JSON.stringify(toJson(comparison), null, 2) + '\n');
    else if (command.output === 'raw') stdout.write(renderRaw(comparison.answers, { width, color }));
    else stdout.write(renderComparison(comparison, { width, color }));
    return comparison.answers.every((a) => a.error !== undefined) ? 1 : 0;
  } finally {
    await Promise.all([...handles.map((h) => h.served.close()), ...natives.map((n) => n.server.stop())]);
  }
}

function toJson(comparison: Awaited<ReturnType<typeof compareAll>>): unknown {
  const { request, answers, rows } = comparison;
  return {
    request: { ...request, body: request.body === undefined ? undefined : Buffer.from(request.body).toString('utf8') },
    answers: answers.map((a) => ({
      name: a.name,
      url: a.url,
      status: a.status,
      reason: a.reason,
      headers: a.headers,
      bodyBase64: a.body.toString('base64'),
      bodyBytes: a.body.length,
      ms: Number(a.ms.toFixed(2)),
      ...(a.error !== undefined ? { error: a.error } : {}),
    })),
    rows,
  };
}

async function serveForRoom(
  mounted: readonly Mounted[],
  table: Record<string, App>,
  at: { host: string; port: number },
  kind: ServerKind,
  near: string,
  stdout: NodeJS.WriteStream,
  inspectAt?: InspectAt,
): Promise<number> {
  if (table['/'] === undefined) {
    table['/'] = indexPage(mounted.map((m) => ({ prefix: m.mount.prefix, what: describeSource(m.mount.source), routes: m.found ? DEMO_ROUTES : [] })));
  }
  const recorder = inspectAt === undefined ? undefined : new Recorder({ apps: mounted.map((m) => ({ prefix: m.mount.prefix, name: m.name })) });
  // The inspector taps the gateway server (parseCompare refuses it with another kind).
  const handle: Served & { host?: string } =
    kind === 'gateway'
      ? await serve(mount(table), { host: at.host, port: at.port, ...(recorder !== undefined ? { inspect: recorder } : {}) })
      : await startServer(kind, mount(table), { host: at.host, port: at.port }, near);
  const lines = mounted.map((m) => `  ${handle.url}${m.mount.prefix || '/'}${m.found ? '/hello' : ''}`);
  stdout.write(`gateway: ${mounted.length} apps on one port; the index is ${handle.url}/ (Ctrl-C to stop)\n${lines.join('\n')}\n`);
  let inspector: Inspector | undefined;
  if (recorder !== undefined && inspectAt !== undefined) {
    const columns = mounted.map((m) => ({ name: m.name, place: { host: handle.host ?? '127.0.0.1', port: handle.port, prefix: m.mount.prefix } }));
    inspector = await serveInspector(recorder, inspectAt, columns);
    stdout.write(announceInspector(inspector));
  }
  await new Promise<void>((resolve) => {
    const stop = (): void =>
      void Promise.all([handle.close(), inspector?.close()]).then(() => {
        stdout.write('gateway: drained and stopped\n');
        resolve();
      });
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}
