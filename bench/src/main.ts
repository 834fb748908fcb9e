// `pnpm bench`: runs every comparison in one go (servers pinned to one core, autocannon here on
// the other), then the memory figures, and writes the terminal table, report.json, report.md
// and chart.svg. Servers are always stopped, even on an error or Ctrl-C.
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatDuration } from './format.ts';
import { installCleanup } from './launcher.ts';
import { machineInfo } from './machine.ts';
import { measureMemory, plannedMemory } from './memory-probe.ts';
import { HELP, modeSettings, parseOptions } from './options.ts';
import { pinSelf, planPinning } from './pinning.ts';
import { procAvailable } from './proc.ts';
import { Progress } from './progress.ts';
import { renderTable } from './report-table.ts';
import { writeReports } from './report-files.ts';
import { plannedComparison, runComparison } from './rounds.ts';
import { summarizeRatios, summarizeTargets } from './summary.ts';
import { writeServerFigures } from './server-figures.ts';
import { COMPARISONS, ENGINE_GROUP, SERVERS_GROUP, TARGETS, addAgainst, missingReason, repoRoot, targetById } from './targets.ts';
import type { BenchReport, BenchSettings, MemoryReport, RoundSample, WorkerShareReport } from './types.ts';
import { measureShare } from './worker-share.ts';

const MEMORY_TARGETS = ['gateway-bare', 'node-http'];
const MEMORY_SLICES = 4;

async function main(argv: readonly string[]): Promise<number> {
  const options = parseOptions(argv);
  if (options.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (!procAvailable) {
    process.stderr.write('bench: needs Linux /proc to read server CPU time and memory\n');
    return 2;
  }
  const only = options.only?.flatMap((id) => (id === 'servers' ? SERVERS_GROUP : id === 'engine' ? ENGINE_GROUP : [id]));
  const unknown = (only ?? []).filter((id) => !COMPARISONS.some((c) => c.id === id));
  if (unknown.length > 0) {
    process.stderr.write(
      `bench: unknown comparison ${unknown.join(', ')}; choose from servers, ${COMPARISONS.map((c) => c.id).join(', ')}\n`,
    );
    return 2;
  }

  const started = Date.now();
  const mode = modeSettings(options.quick);
  const pinning = planPinning();
  pinSelf(pinning);
  const settings: BenchSettings = {
    mode: options.quick ? 'quick' : 'full',
    connections: mode.connections,
    pipelining: mode.pipelining,
    rounds: mode.rounds,
    durationS: mode.durationS,
    warmupS: mode.warmupS,
    serverCpus: pinning.serverCpus(1),
    loadCpu: pinning.loadCpu,
    pinned: pinning.pinned,
  };

  const skipped: { target: string; reason: string }[] = [];
  const comparisons = COMPARISONS.filter(
    (c) => (only ? only.includes(c.id) : !c.optIn),
  ).filter((c) => {
    for (const id of [c.baseline, c.candidate]) {
      const reason = missingReason(targetById(id));
      if (reason) {
        skipped.push({ target: id, reason });
        return false;
      }
    }
    return true;
  });

  if (options.against !== undefined) {
    // Relative to where the user typed the command: pnpm runs this script in bench/.
    const checkout = resolve(process.env.INIT_CWD ?? process.cwd(), options.against);
    const bin = join(checkout, 'packages', 'gateway', 'bin', 'gateway.mjs');
    if (!existsSync(bin)) {
      process.stderr.write(`bench: --against ${options.against}: no gateway checkout there (looked for ${bin})\n`);
      return 2;
    }
    comparisons.push(...addAgainst(checkout, comparisons));
  }

  const plan = plannedComparison(settings);
  const memoryPlan = plannedMemory(mode.memoryRequests, MEMORY_SLICES);
  const memoryTargets = options.memory ? MEMORY_TARGETS.length : 0;
  const memoryS = memoryTargets * memoryPlan.seconds;
  const progress = new Progress(
    comparisons.length * plan.steps + memoryTargets * memoryPlan.steps,
    comparisons.length * plan.seconds + memoryS,
  );
  installCleanup(() => progress.stop());
  process.stderr.write(
    `bench: ${settings.mode} run, ${comparisons.length} comparisons, about ${formatDuration(comparisons.length * plan.seconds + memoryS)}` +
      (pinning.pinned
        ? ` (servers on cpu ${settings.serverCpus}, autocannon on cpu ${pinning.loadCpu})\n`
        : ' (not pinned)\n'),
  );
  for (const k of skipped) process.stderr.write(`bench: skipping ${k.target}: ${k.reason}\n`);

  const commands = new Map<string, string>();
  const samples: RoundSample[] = [];
  for (const comparison of comparisons) {
    try {
      samples.push(...(await runComparison(comparison, { settings, pinning, progress, commands })));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      progress.log(`bench: ${comparison.id} failed: ${message}`);
      skipped.push({ target: comparison.id, reason: message.split('\n')[0]! });
    }
  }

  // Where the workers comparison ran, also how evenly the workers share busy connections.
  const workerShares: WorkerShareReport[] = [];
  if (comparisons.some((c) => c.id === 'workers')) {
    for (const workers of [2, 4]) {
      try {
        workerShares.push(await measureShare(workers, 400, { busy: true }));
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        skipped.push({ target: `worker share ${workers}`, reason: message.split('\n')[0]! });
      }
    }
  }

  const memory: MemoryReport[] = [];
  if (options.memory) {
    for (const id of MEMORY_TARGETS) {
      try {
        memory.push(
          await measureMemory(targetById(id), {
            connections: mode.memoryConnections,
            requests: mode.memoryRequests,
            slices: MEMORY_SLICES,
            pinning,
            progress,
          }),
        );
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        progress.log(`bench: memory ${id} failed: ${message}`);
        skipped.push({ target: `memory ${id}`, reason: message.split('\n')[0]! });
      }
    }
  }
  progress.stop();

  const report: BenchReport = {
    settings,
    machine: machineInfo(),
    targets: TARGETS,
    comparisons: COMPARISONS,
    skipped,
    samples,
    summaries: summarizeTargets(samples, TARGETS, settings.pipelining),
    ratios: summarizeRatios(samples, comparisons, settings.pipelining),
    memory,
    workerShares,
    commands: Object.fromEntries(commands),
    command: ['npx pnpm bench', ...argv.filter((a) => a !== '--')].join(' '),
    elapsedS: (Date.now() - started) / 1000,
  };
  const benchDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const out = resolve(
    options.out ?? join(benchDir, 'results', ...(options.quick ? ['quick'] : [])),
  );
  const files = writeReports(out, report);
  // The matrix's cost row lives beside the kept reports, whatever --out says: docs/matrix.md reads it.
  if (comparisons.some((c) => c.id.startsWith('servers-'))) files.push(writeServerFigures(join(benchDir, 'results', 'servers.json'), report));
  process.stdout.write('\n' + renderTable(report));
  process.stdout.write(
    `\nwrote ${files.map((f) => relative(repoRoot, f)).join(', ')} in ${formatDuration(report.elapsedS)}\n`,
  );
  return samples.length > 0 || memory.length > 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
