// Runs one comparison: both servers up, then for each pipelining depth a warm-up of each and
// rounds alternating A B A B, each round reading the server's CPU time before and after the load.
// Alternating (rather than all of A, then all of B) spreads slow drifts of the machine evenly.
import { setTimeout as sleep } from 'node:timers/promises';
import { formatInt } from './format.ts';
import { startServer } from './launcher.ts';
import type { RunningServer } from './launcher.ts';
import { runLoad } from './load.ts';
import type { Pinning } from './pinning.ts';
import { cpuDelta, cpuSeconds, rssBytes } from './proc.ts';
import type { Progress } from './progress.ts';
import { targetById } from './targets.ts';
import type { BenchSettings, Comparison, RoundSample } from './types.ts';

export interface RunContext {
  settings: BenchSettings;
  pinning: Pinning;
  progress: Progress;
  /** Server command lines, by target, for the report. */
  commands: Map<string, string>;
}

const STARTUP_S = 3;
/** Quiet time between runs, so one run's connections are closed before the next starts. */
const PAUSE_S = 0.2;

/** Seconds a comparison is expected to take, for the time-left estimate; `steps` is its number of progress steps. */
export function plannedComparison(settings: BenchSettings): { steps: number; seconds: number } {
  const perDepth = 2 * settings.warmupS + 2 * settings.rounds * (settings.durationS + PAUSE_S);
  return {
    steps: 1 + settings.pipelining.length * (2 + 2 * settings.rounds),
    seconds: STARTUP_S + settings.pipelining.length * perDepth,
  };
}

/** A round in which the server used under this share of one core is taken as starved. */
const STALLED_CPU_SHARE = 0.05;

export function stalled(sample: RoundSample): boolean {
  return !(sample.cpuS >= STALLED_CPU_SHARE * sample.durationS);
}

async function measure(
  server: RunningServer,
  comparison: string,
  depth: number,
  round: number,
  ctx: RunContext,
): Promise<RoundSample> {
  const pids = server.tree();
  // Peak RSS under load, sampled: the kernel's own peak (VmHWM) would include start-up.
  let peak = rssBytes(pids);
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssBytes(pids));
  }, 100);
  const before = cpuSeconds(pids);
  let load;
  try {
    load = await runLoad({
      url: server.url + server.target.path,
      connections: ctx.settings.connections,
      pipelining: depth,
      durationS: ctx.settings.durationS,
    });
  } finally {
    clearInterval(sampler);
  }
  const after = cpuSeconds(server.tree());
  const cpuS = cpuDelta(before, after);
  return {
    target: server.target.id,
    comparison,
    pipelining: depth,
    round,
    requests: load.ok,
    durationS: load.durationS,
    reqPerSec: load.durationS > 0 ? load.ok / load.durationS : Number.NaN,
    p50Ms: load.p50Ms,
    p99Ms: load.p99Ms,
    cpuS,
    reqPerCpuS: cpuS > 0 ? load.ok / cpuS : Number.NaN,
    peakRssBytes: Math.max(peak, rssBytes(pids)),
    errors: load.errors,
    processes: pids.length,
    retried: false,
  };
}

export async function runComparison(
  comparison: Comparison,
  ctx: RunContext,
): Promise<RoundSample[]> {
  const { settings, progress } = ctx;
  const samples: RoundSample[] = [];
  const servers: RunningServer[] = [];
  try {
    // Both at once: start-up is mostly loading and transpiling, and nothing is measured yet.
    progress.step(
      `${comparison.id}: starting ${comparison.baseline} and ${comparison.candidate}`,
      STARTUP_S,
    );
    const started = await Promise.allSettled(
      [comparison.baseline, comparison.candidate].map((id) =>
        startServer(targetById(id), { pinning: ctx.pinning }),
      ),
    );
    for (const result of started) if (result.status === 'fulfilled') servers.push(result.value);
    for (const result of started) if (result.status === 'rejected') throw result.reason;
    for (const server of servers) ctx.commands.set(server.target.id, server.command);
    const [a, b] = servers as [RunningServer, RunningServer];
    for (const depth of settings.pipelining) {
      for (const server of [a, b]) {
        progress.step(`${comparison.id}: warm-up ${server.target.id} p=${depth}`, settings.warmupS);
        await runLoad({
          url: server.url + server.target.path,
          connections: settings.connections,
          pipelining: depth,
          durationS: settings.warmupS,
        });
        await sleep(PAUSE_S * 1000);
      }
      for (let round = 1; round <= settings.rounds; round++) {
        for (const server of [a, b]) {
          progress.step(
            `${comparison.id}: ${server.target.id} p=${depth} round ${round}/${settings.rounds}`,
            settings.durationS + PAUSE_S,
          );
          let sample = await measure(server, comparison.id, depth, round, ctx);
          if (stalled(sample)) {
            // Under load from autocannon a server uses a good share of its core; one that barely
            // ran was starved by something else on the machine. Such a round measures the
            // machine, not the server: measure it again, once, and say so.
            progress.log(
              `  ${server.target.id} p=${depth} r${round}: server used ${sample.cpuS.toFixed(2)} s of CPU in ${sample.durationS} s; machine busy? measuring again`,
            );
            await sleep(1000);
            sample = {
              ...(await measure(server, comparison.id, depth, round, ctx)),
              retried: true,
            };
          }
          samples.push(sample);
          progress.log(
            `  ${server.target.id.padEnd(16)} p=${String(depth).padEnd(2)} r${round}  ${formatInt(sample.reqPerSec).padStart(7)} req/s  ` +
              `${formatInt(sample.reqPerCpuS).padStart(7)} req/CPU-s  cpu ${sample.cpuS.toFixed(2)} s` +
              (sample.errors > 0 ? `  errors ${sample.errors}` : ''),
          );
          await sleep(PAUSE_S * 1000);
        }
      }
    }
  } finally {
    for (const server of servers) await server.stop();
  }
  return samples;
}
