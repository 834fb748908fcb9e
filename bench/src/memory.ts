// `pnpm --filter @gateway-interop/bench memory`: the memory figures on their own, for the
// hardening issue: RSS per idle keep-alive connection at 10,000 connections, RSS after they are
// released, and RSS across a million keep-alive requests. Prints a report including the exact
// command, and writes results/memory.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatBytes, formatInt } from './format.ts';
import { installCleanup } from './launcher.ts';
import { measureMemory, plannedMemory } from './memory-probe.ts';
import { pinSelf, planPinning } from './pinning.ts';
import { procAvailable } from './proc.ts';
import { Progress } from './progress.ts';
import { renderMemoryTable } from './report-table.ts';
import { repoRoot, targetById } from './targets.ts';
import type { MemoryReport } from './types.ts';

/** RSS is read after each quarter of the requests, to show a trend rather than two points. */
const SLICES = 4;

const HELP = `Usage: pnpm --filter @gateway-interop/bench memory [--connections N] [--requests N] [--target ids]

  --connections N  idle keep-alive connections to hold (default 10000)
  --requests N     keep-alive requests to send afterwards (default 1000000)
  --target ids     comma-separated: gateway-bare, node-http (default both)
`;

async function main(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv.filter((a) => a !== '--'),
    strict: true,
    options: {
      connections: { type: 'string' },
      requests: { type: 'string' },
      target: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (!procAvailable) {
    process.stderr.write('memory: needs Linux /proc to read server memory\n');
    return 2;
  }
  const connections = Number(values.connections ?? 10_000);
  const requests = Number(values.requests ?? 1_000_000);
  const ids = (values.target ?? 'gateway-bare,node-http').split(',').map((s) => s.trim());
  if (!(connections > 0) || !(requests > 0)) {
    process.stderr.write('memory: --connections and --requests must be positive numbers\n');
    return 2;
  }
  const pinning = planPinning();
  pinSelf(pinning);
  const plan = plannedMemory(requests, SLICES);
  const progress = new Progress(ids.length * plan.steps, ids.length * plan.seconds);
  installCleanup(() => progress.stop());

  const reports: MemoryReport[] = [];
  for (const id of ids)
    reports.push(
      await measureMemory(targetById(id), {
        connections,
        requests,
        slices: SLICES,
        pinning,
        progress,
      }),
    );
  progress.stop();

  const command = [
    'npx pnpm --filter @gateway-interop/bench memory',
    ...argv.filter((a) => a !== '--'),
  ].join(' ');
  const lines = [`Command: ${command}`, '', renderMemoryTable(reports), ''];
  for (const m of reports) {
    lines.push(`${m.label}  (server: ${m.command})`);
    lines.push(
      `  idle keep-alive: ${formatInt(m.connections - m.failedConnections)} held (${m.failedConnections} failed), ${formatBytes(m.perConnectionBytes)} RSS each (goal ≤ 10 KiB)`,
    );
    lines.push(
      `  released: ${formatBytes(m.releasedRssBytes)} after ${m.releasedAfterS.toFixed(0)} s idle, vs ${formatBytes(m.baselineRssBytes)} before (${formatBytes(m.releasedRssBytes - m.baselineRssBytes)})`,
    );
    lines.push(
      `  keep-alive requests (RSS after each slice): ${m.rssCheckpoints.map((c) => `${formatInt(c.afterRequests)}: ${formatBytes(c.rssBytes)}`).join(', ')}; errors ${m.requestErrors}`,
    );
  }
  process.stdout.write(lines.join('\n') + '\n');
  const out = join(resolve(dirname(fileURLToPath(import.meta.url)), '..'), 'results');
  mkdirSync(out, { recursive: true });
  const file = join(out, 'memory.json');
  writeFileSync(
    file,
    JSON.stringify({ command, date: new Date().toISOString(), reports }, null, 2) + '\n',
  );
  process.stdout.write(`wrote ${relative(repoRoot, file)}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `memory: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
