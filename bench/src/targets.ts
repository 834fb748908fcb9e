// What the bench serves and which pairs it compares. Each target says how to start its server;
// frameworks whose app folder is missing are skipped with a reason rather than failing the run.
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Comparison, Target } from './types.ts';

const benchDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = resolve(benchDir, '..');
const gatewayBin = join(repoRoot, 'packages', 'gateway', 'bin', 'gateway.mjs');
/** tsx's loader as a URL, so `node --import` finds it whatever the server's working directory. */
export const tsxLoader = import.meta.resolve('tsx');

const FRAMEWORKS = ['express', 'fastify', 'hono'] as const;
const FRAMEWORK_LABELS: Record<(typeof FRAMEWORKS)[number], { native: string }> = {
  express: { native: 'Express 5 (node:http)' },
  fastify: { native: 'Fastify (its own server)' },
  hono: { native: 'Hono (@hono/node-server)' },
};

export const TARGETS: Target[] = [
  {
    id: 'node-http',
    label: 'bare node:http',
    group: 'bare',
    kind: 'node-http',
    workers: 1,
    path: '/hello',
  },
  {
    id: 'gateway-bare',
    label: 'gateway + bare app',
    group: 'bare',
    kind: 'gateway',
    workers: 1,
    path: '/hello',
  },
  ...FRAMEWORKS.flatMap((fw): Target[] => [
    {
      id: `${fw}-native`,
      label: FRAMEWORK_LABELS[fw].native,
      group: fw,
      kind: 'native',
      workers: 1,
      path: '/hello',
    },
    {
      id: `${fw}-gateway`,
      label: `${fw[0]!.toUpperCase()}${fw.slice(1)} under the gateway`,
      group: fw,
      kind: 'gateway',
      workers: 1,
      path: '/hello',
    },
  ]),
  {
    id: 'gateway-bare-mounted',
    label: 'gateway + bare app mounted at /bare',
    group: 'bare',
    kind: 'gateway',
    workers: 1,
    path: '/bare/hello',
    mountAt: '/bare',
  },
  {
    id: 'gateway-bare-w2',
    label: 'gateway + bare app, --workers 2',
    group: 'bare',
    kind: 'gateway',
    workers: 2,
    path: '/hello',
  },
];

/** The servers × frameworks matrix's other servers (docs/matrix.md): each app under each. */
const OTHER_SERVERS = ['node', 'fetch'] as const;
const SERVER_LABELS = { node: 'node:http (toNodeHandler)', fetch: '@hono/node-server (toFetchHandler)' } as const;
const MATRIX_APPS = ['bare', ...FRAMEWORKS] as const;
/** The target of `app` under the gateway, as named above. */
const gatewayTargetOf = (app: (typeof MATRIX_APPS)[number]): string => (app === 'bare' ? 'gateway-bare' : `${app}-gateway`);

TARGETS.push(
  ...MATRIX_APPS.flatMap((app) =>
    OTHER_SERVERS.map(
      (server): Target => ({
        id: `${app}-${server}`,
        label: `${app === 'bare' ? 'bare app' : `${app[0]!.toUpperCase()}${app.slice(1)}`} under ${SERVER_LABELS[server]}`,
        group: app,
        kind: 'gateway',
        workers: 1,
        path: '/hello',
        server,
      }),
    ),
  ),
);

/** The matrix's cell name of a target (`express@node`, `bare@native`), or undefined. */
export function matrixCellOf(target: Target): string | undefined {
  if (target.mountAt !== undefined || target.workers > 1 || target.engine !== undefined) return undefined;
  if (target.kind === 'node-http') return 'bare@native';
  if (target.kind === 'native') return `${target.group}@native`;
  return `${target.group}@${target.server ?? 'gateway'}`;
}

export const COMPARISONS: Comparison[] = [
  {
    id: 'bare',
    label: 'gateway+bare / node:http',
    baseline: 'node-http',
    candidate: 'gateway-bare',
    goals: { 1: 1.2, 10: 1.85 },
  },
  {
    id: 'hono',
    label: 'Hono: gateway / @hono/node-server',
    baseline: 'hono-native',
    candidate: 'hono-gateway',
    goals: { 1: 1.15, 10: 1.4 },
  },
  {
    id: 'fastify',
    label: 'Fastify: gateway / native',
    baseline: 'fastify-native',
    candidate: 'fastify-gateway',
    goals: { 1: 1.0, 10: 1.1 },
  },
  {
    id: 'express',
    label: 'Express: gateway / native',
    baseline: 'express-native',
    candidate: 'express-gateway',
    goals: { 1: 1.05 },
  },
  // What the dispatcher costs: the same app at the root and under mount() (issue: under 5%).
  {
    id: 'mount',
    label: 'bare mounted at /bare / at the root',
    baseline: 'gateway-bare',
    candidate: 'gateway-bare-mounted',
    goals: { 1: 0.95, 10: 0.95 },
  },
  // No goal: on 2 cores the load generator has one, so this is CPU efficiency, not scaling.
  {
    id: 'workers',
    label: 'gateway --workers 2 / --workers 1',
    baseline: 'gateway-bare',
    candidate: 'gateway-bare-w2',
    goals: {},
  },
  // The matrix's cost row: the same app under the other servers, against it under the gateway.
  // Opt-in (`--only servers`): eight more pairs would double the full run. No goals: these
  // measure the other servers, not something this project promises.
  ...MATRIX_APPS.flatMap((app) =>
    OTHER_SERVERS.map(
      (server): Comparison => ({
        id: `servers-${app}-${server}`,
        label: `${app}: ${server} / gateway`,
        baseline: gatewayTargetOf(app),
        candidate: `${app}-${server}`,
        goals: {},
        optIn: true,
      }),
    ),
  ),
];

// What the speed tricks buy (packages/gateway/src/server/engine.ts): each gateway app on the
// reference engine against the fast one, and the fast engine with one trick off against all on.
// The bridges' tricks show on Hono (the fetch bridge); the server's on the bare app. Opt-in
// (`--only engine`): ten more pairs.
const TRICKS_SHOWN: ReadonlyArray<[trick: string, app: (typeof MATRIX_APPS)[number]]> = [
  ['repeat-heads', 'bare'],
  ['environ-shapes', 'bare'],
  ['batched-writes', 'bare'],
  ['packet-clock', 'bare'],
  ['light-request', 'hono'],
  ['light-response', 'hono'],
];

function engineTarget(app: (typeof MATRIX_APPS)[number], engine: string): Target {
  const fast = targetById(gatewayTargetOf(app));
  return { ...fast, id: `${fast.id}@${engine}`, label: `${fast.label}, engine ${engine}`, engine };
}

const ENGINE_TARGETS: Target[] = [
  ...MATRIX_APPS.map((app) => engineTarget(app, 'reference')),
  ...TRICKS_SHOWN.map(([trick, app]) => engineTarget(app, `fast,-${trick}`)),
];
TARGETS.push(...ENGINE_TARGETS);
COMPARISONS.push(
  ...MATRIX_APPS.map(
    (app): Comparison => ({
      id: `engine-${app}`,
      label: `${app}: fast engine / reference engine`,
      baseline: `${gatewayTargetOf(app)}@reference`,
      candidate: gatewayTargetOf(app),
      goals: {},
      optIn: true,
    }),
  ),
  ...TRICKS_SHOWN.map(
    ([trick, app]): Comparison => ({
      id: `engine-${trick}`,
      label: `${app}: fast engine / fast without ${trick}`,
      baseline: `${gatewayTargetOf(app)}@fast,-${trick}`,
      candidate: gatewayTargetOf(app),
      goals: {},
      optIn: true,
    }),
  ),
);

/** `--only servers`: the matrix's comparisons, with each app's native-vs-gateway pair for its native column. */
export const SERVERS_GROUP: readonly string[] = ['bare', ...FRAMEWORKS, ...COMPARISONS.filter((c) => c.id.startsWith('servers-')).map((c) => c.id)];
/** `--only engine`: what the tricks buy, all together per app and one by one. */
export const ENGINE_GROUP: readonly string[] = COMPARISONS.filter((c) => c.id.startsWith('engine-')).map((c) => c.id);

export function targetById(id: string): Target {
  const target = TARGETS.find((t) => t.id === id);
  if (!target) throw new Error(`unknown target ${id}`);
  return target;
}

/** The folder the server runs in: its app's folder, so tsx finds that app's tsconfig. */
function appDir(target: Target): string {
  return target.kind === 'node-http' ? benchDir : join(target.root ?? repoRoot, 'apps', `app-${target.group}`);
}

/**
 * `--against <checkout>`: for each gateway comparison, the same gateway server run from another
 * checkout (the previous main, say) as the baseline and this one as the candidate, so a change
 * is measured against what it replaces in one run. Mounted and multi-worker targets are left out
 * (an older checkout may not have them). Adds the targets and comparisons to the tables.
 */
export function addAgainst(checkout: string, selected: readonly Comparison[]): Comparison[] {
  const added: Comparison[] = [];
  for (const comparison of selected) {
    const target = targetById(comparison.candidate);
    if (target.kind !== 'gateway' || target.mountAt !== undefined || target.workers !== 1) continue;
    if (added.some((c) => c.candidate === target.id)) continue; // one pair per server, however many comparisons use it
    const shown = relative(repoRoot, checkout) || '.';
    const previous: Target = { ...target, id: `${target.id}@against`, label: `${target.label} (${shown})`, root: checkout };
    if (!TARGETS.some((t) => t.id === previous.id)) TARGETS.push(previous);
    const against: Comparison = {
      id: `${comparison.id}@against`,
      label: `${target.label}: this checkout / ${shown}`,
      baseline: previous.id,
      candidate: target.id,
      goals: {},
    };
    COMPARISONS.push(against);
    added.push(against);
  }
  return added;
}

export interface ServerCommand {
  cwd: string;
  /** argv after `node`. */
  args: string[];
}

/**
 * How to start a target on a given port. Servers run as `node ...` directly (not through the tsx
 * CLI, which would add a wrapper process) so the pid we measure is the server itself.
 */
export function serverCommand(target: Target, port: number): ServerCommand {
  const cwd = appDir(target);
  if (target.kind === 'gateway') {
    const spec = target.mountAt === undefined ? './src/app.ts:app' : `${target.mountAt}=./src/app.ts:app`;
    const bin = target.root === undefined ? gatewayBin : join(target.root, 'packages', 'gateway', 'bin', 'gateway.mjs');
    const args = [bin, 'serve', spec, '--port', String(port), '--quiet'];
    if (target.workers > 1) args.push('--workers', String(target.workers));
    if (target.server !== undefined) args.push('--server', target.server);
    return { cwd, args };
  }
  const script =
    target.kind === 'node-http'
      ? join(benchDir, 'src', 'servers', 'node-http.ts')
      : join(cwd, 'src', 'native.ts');
  return { cwd, args: ['--import', tsxLoader, script, '--port', String(port)] };
}

/** Why a target cannot run here (its app is not written yet), or undefined if it can. */
export function missingReason(target: Target): string | undefined {
  if (target.kind === 'node-http') return undefined;
  const dir = appDir(target);
  const file =
    target.kind === 'gateway' ? join(dir, 'src', 'app.ts') : join(dir, 'src', 'native.ts');
  return existsSync(file) ? undefined : `${file.slice(repoRoot.length + 1)} does not exist`;
}

/**
 * A command line to show in the report and to paste into a shell: run from the repository root,
 * with `node` and `tsx` instead of this machine's absolute paths.
 */
export function displayCommand(cwd: string, argv: readonly string[]): string {
  const shown = argv.map((arg, i) => {
    if (i === 0 && arg === process.execPath) return 'node';
    if (arg === process.execPath) return 'node';
    if (arg === tsxLoader) return 'tsx';
    return isAbsolute(arg) ? relative(cwd, arg) : arg;
  });
  return `cd ${relative(repoRoot, cwd) || '.'} && ${shown.join(' ')}`;
}
