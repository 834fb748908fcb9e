// The markdown report kept in bench/results/report.md: the ratios against the goals,
// the per-server medians, the chart, the memory figures, and enough about the method and the
// machine to judge the numbers and run them again.
import {
  formatBytes,
  formatDuration,
  formatInt,
  formatMs,
  formatRatio,
  formatSeconds,
  memoryCells,
} from './format.ts';
import { WORKERS_HEADER, WORKERS_RIGHT, workersRows } from './report-workers.ts';
import type { BenchReport, MemoryReport } from './types.ts';

export function markdownTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  rightAligned: readonly boolean[],
): string {
  const escape = (cell: string): string => cell.replace(/\|/g, '\\|');
  const lines = [
    `| ${header.map(escape).join(' | ')} |`,
    `|${header.map((_, i) => (rightAligned[i] ? ' ---: ' : ' --- ')).join('|')}|`,
    ...rows.map((row) => `| ${row.map(escape).join(' | ')} |`),
  ];
  return lines.join('\n');
}

function memorySection(memory: readonly MemoryReport[]): string[] {
  if (memory.length === 0) return [];
  const rows = memory.map((m) => {
    const cells = memoryCells(m);
    cells[4] = `**${cells[4]}**`; // RSS per connection, the figure with a goal
    return [...cells, formatInt(m.requestErrors + m.failedConnections)];
  });
  const lines = [
    '## Memory',
    '',
    markdownTable(
      [
        'server',
        'idle keep-alive conns',
        'RSS before',
        'RSS held',
        'RSS per conn',
        'RSS after release',
        'keep-alive requests',
        'RSS before → after requests',
        'errors',
      ],
      rows,
      [false, true, true, true, true, true, true, true, true],
    ),
    '',
    'Goal: ≤ 10 KiB RSS per idle keep-alive connection at 10,000 connections; memory back near its starting point once they are released; no RSS growth beyond noise over a million keep-alive requests. ' +
      'RSS per connection is (RSS held − RSS before) / connections held, each a single reading after a pause; V8 gives memory back lazily, so single readings carry a few MiB of noise.',
    '',
    'Run on its own: `npx pnpm --filter @gateway-interop/bench memory` (options: `--connections N --requests N --target gateway-bare,node-http`).',
    '',
  ];
  for (const m of memory) {
    const checkpoints = m.rssCheckpoints
      .map((c) => `${formatInt(c.afterRequests)}: ${formatBytes(c.rssBytes)}`)
      .join(', ');
    lines.push(
      `- ${m.label}: released RSS read ${m.releasedAfterS.toFixed(0)} s after the connections closed; RSS after N keep-alive requests — ${checkpoints}. Server: \`${m.command}\``,
    );
  }
  lines.push('');
  return lines;
}

/** Says how many rounds had to be measured again: a hint that the machine was not quiet. */
export function retriedNote(report: BenchReport): string[] {
  const retried = report.samples.filter((s) => s.retried);
  if (retried.length === 0) return [];
  const which = retried.map((s) => `${s.target} p=${s.pipelining} r${s.round}`).join(', ');
  return [
    `${retried.length} round(s) were measured again because the server barely ran in the first try (something else had the CPU): ${which}. The machine was not quiet; treat the figures with care.`,
    '',
  ];
}

function workersSection(report: BenchReport): string[] {
  const rows = workersRows(report);
  if (rows.length === 0) return [];
  return [
    '## Workers',
    '',
    'Busy keep-alive connections opened at once against `gateway serve --workers N`, counted by the worker that answers each ' +
      '(`npx pnpm --filter @gateway-interop/bench worker-share`); efficiency is the workers comparison\'s req/s ratio over N.',
    '',
    markdownTable(WORKERS_HEADER, rows, WORKERS_RIGHT),
    '',
  ];
}

export function renderMarkdown(report: BenchReport): string {
  const s = report.settings;
  const m = report.machine;
  const ratioRows = report.ratios.map((r) => [
    r.label,
    r.pipelining === 1 ? 'none' : `${r.pipelining}-deep`,
    `**${formatRatio(r.cpuRatio)}**`,
    r.goal === undefined ? '' : `≥ ${formatRatio(r.goal)}`,
    r.met === undefined ? '' : r.met ? '✅' : '❌',
    formatRatio(r.rpsRatio),
  ]);
  const targetRows = report.summaries.map((t) => [
    t.label,
    t.pipelining === 1 ? 'none' : `${t.pipelining}-deep`,
    formatInt(t.reqPerSec),
    formatMs(t.p50Ms),
    formatMs(t.p99Ms),
    formatSeconds(t.cpuS),
    `**${formatInt(t.reqPerCpuS)}**`,
    formatRatio(t.vsNodeHttp),
    formatBytes(t.peakRssBytes),
    formatInt(t.errors),
  ]);
  const lines = [
    '# Benchmark report',
    '',
    `${s.mode === 'quick' ? 'A **quick** run (few, short rounds: a first look, not a result).' : 'A full run.'} ` +
      `${m.date} on ${m.cpus} × ${m.cpuModel}, Node ${m.node}, ${m.platform}. Took ${formatDuration(report.elapsedS)}.`,
    '',
    `Command: \`${report.command}\``,
    '',
    `Load: autocannon -c ${s.connections}, with and without pipelining (${s.pipelining.join(', ')}), ${s.durationS} s per round, ` +
      `${s.rounds} rounds per server alternating A B A B after a ${s.warmupS} s warm-up of each; figures are medians. ` +
      (s.pinned
        ? `Servers pinned to cpu ${s.serverCpus}, autocannon to cpu ${s.loadCpu} (taskset).`
        : 'Nothing pinned (one core, or no taskset).'),
    '',
    '## Ratios',
    '',
    'Requests per server CPU-second of B over A, as the median of the round-by-round ratios (each A round and the B round after it ran back to back). ' +
      'Requests per CPU-second is the figure that matters here: autocannon shares the machine and saturates its own core first, so req/s alone cannot tell fast servers apart.',
    '',
    markdownTable(
      ['comparison (B / A)', 'pipelining', 'req/CPU-s ratio', 'goal', '', 'req/s ratio'],
      ratioRows,
      [false, false, true, true, false, true],
    ),
    '',
    '## Per server',
    '',
    markdownTable(
      [
        'server',
        'pipelining',
        'req/s',
        'p50 ms',
        'p99 ms',
        'server CPU s',
        'req per CPU-s',
        'vs node:http',
        'peak RSS',
        'errors',
      ],
      targetRows,
      [false, false, true, true, true, true, true, true, true, true],
    ),
    '',
    '"vs node:http" divides by bare node:http measured in its own pair, so it carries more noise than the ratios above. ' +
      "Peak RSS is the highest resident set (summed over the server's processes) sampled every 100 ms during the rounds; errors are connection errors, timeouts and non-2xx responses over all rounds.",
    '',
    ...retriedNote(report),
    '![Requests per server CPU-second](chart.svg)',
    '',
    ...workersSection(report),
    ...memorySection(report.memory),
  ];
  if (report.skipped.length > 0) {
    lines.push(
      '## Not measured',
      '',
      ...report.skipped.map((k) => `- ${k.target}: ${k.reason}`),
      '',
    );
  }
  lines.push(
    '## Servers',
    '',
    ...report.targets
      .filter((t) => report.commands[t.id] !== undefined)
      .map((t) => `- ${t.label}: \`${report.commands[t.id]}\``),
    '',
    'Each server ran as its own process (cluster workers: a primary and its children), started with `NODE_ENV=production`; ' +
      'its CPU time is utime+stime from `/proc/<pid>/stat`, summed over the process tree, read just before and just after each round.',
    '',
  );
  return lines.join('\n');
}
