// The terminal table printed at the end of a run: per-server medians, then the ratios that
// matter with their goals, then the memory figures when they were measured.
import {
  alignColumns,
  formatBytes,
  formatInt,
  memoryCells,
  formatMs,
  formatRatio,
  formatSeconds,
} from './format.ts';
import { retriedNote } from './report-markdown.ts';
import { WORKERS_HEADER, WORKERS_RIGHT, workersRows } from './report-workers.ts';
import type { BenchReport, MemoryReport, RatioSummary, TargetSummary } from './types.ts';

export function renderTargetsTable(summaries: readonly TargetSummary[]): string {
  const header = [
    'server',
    'pipe',
    'req/s',
    'p50 ms',
    'p99 ms',
    'CPU s',
    'req/CPU-s',
    'vs node:http',
    'peak RSS',
    'errors',
  ];
  const rows = summaries.map((s) => [
    s.label,
    String(s.pipelining),
    formatInt(s.reqPerSec),
    formatMs(s.p50Ms),
    formatMs(s.p99Ms),
    formatSeconds(s.cpuS),
    formatInt(s.reqPerCpuS),
    formatRatio(s.vsNodeHttp),
    formatBytes(s.peakRssBytes),
    formatInt(s.errors),
  ]);
  return alignColumns(header, rows, [false, true, true, true, true, true, true, true, true, true]);
}

export function verdict(r: RatioSummary): string {
  if (r.met === undefined) return '';
  return r.met ? 'met' : 'MISSED';
}

export function renderRatiosTable(ratios: readonly RatioSummary[]): string {
  const header = ['comparison', 'pipe', 'req/CPU-s ratio', 'goal', '', 'req/s ratio'];
  const rows = ratios.map((r) => [
    r.label,
    String(r.pipelining),
    formatRatio(r.cpuRatio),
    r.goal === undefined ? '' : `≥ ${formatRatio(r.goal)}`,
    verdict(r),
    formatRatio(r.rpsRatio),
  ]);
  return alignColumns(header, rows, [false, true, true, true, false, true]);
}

export function renderMemoryTable(memory: readonly MemoryReport[]): string {
  const header = [
    'server',
    'idle conns',
    'RSS before',
    'RSS held',
    'per conn',
    'RSS released',
    'requests',
    'RSS before → after',
  ];
  const rows = memory.map(memoryCells);
  return alignColumns(header, rows, [false, true, true, true, true, true, true, true]);
}

export function renderTable(report: BenchReport): string {
  const s = report.settings;
  const parts = [
    `${s.mode} run: autocannon -c ${s.connections}, pipelining ${s.pipelining.join(' and ')}, ${s.rounds} rounds of ${s.durationS} s (medians), ` +
      (s.pinned ? `servers on cpu ${s.serverCpus}, load on cpu ${s.loadCpu}` : 'not pinned'),
    '',
    renderTargetsTable(report.summaries),
    '',
    renderRatiosTable(report.ratios),
  ];
  const workers = workersRows(report);
  if (workers.length > 0) parts.push('', alignColumns(WORKERS_HEADER, workers, WORKERS_RIGHT));
  if (report.memory.length > 0) parts.push('', renderMemoryTable(report.memory));
  parts.push(
    ...retriedNote(report)
      .filter(Boolean)
      .map((line) => `\n${line}`),
  );
  if (report.skipped.length > 0)
    parts.push('', ...report.skipped.map((k) => `skipped ${k.target}: ${k.reason}`));
  return parts.join('\n') + '\n';
}
