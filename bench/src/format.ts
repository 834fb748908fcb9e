// Number formatting shared by the terminal table, the markdown report and the chart, so the
// same figure reads the same everywhere.
import type { MemoryReport } from './types.ts';

/** 12345.6 -> "12,346". */
export function formatInt(value: number): string {
  if (!Number.isFinite(value)) return '—';
  return Math.round(value).toLocaleString('en-US');
}

/** Milliseconds with precision that suits their size: 0.42, 4.2, 42. */
export function formatMs(value: number): string {
  if (!Number.isFinite(value)) return '—';
  if (value < 1) return value.toFixed(2);
  if (value < 10) return value.toFixed(1);
  return value.toFixed(0);
}

/** CPU seconds to two decimals (clock-tick resolution is 0.01 s). */
export function formatSeconds(value: number): string {
  return Number.isFinite(value) ? value.toFixed(2) : '—';
}

/** 1.234 -> "1.23×". */
export function formatRatio(value: number | undefined): string {
  return value !== undefined && Number.isFinite(value) ? `${value.toFixed(2)}×` : '—';
}

/** Bytes as MiB with one decimal, or KiB below one MiB. */
export function formatBytes(value: number): string {
  if (!Number.isFinite(value)) return '—';
  const sign = value < 0 ? '-' : '';
  const abs = Math.abs(value);
  if (abs < 1024 * 1024) return `${sign}${(abs / 1024).toFixed(1)} KiB`;
  return `${sign}${(abs / 1024 / 1024).toFixed(1)} MiB`;
}

/** 75 -> "1:15". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** Lays out rows as aligned text columns; numbers (and the header over them) align right. */
export function alignColumns(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  rightAligned: readonly boolean[],
): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => (rightAligned[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/**
 * A memory result as the cells both reports show: server, idle connections, RSS before, held,
 * per connection, after release, keep-alive requests, RSS before → after them.
 */
export function memoryCells(m: MemoryReport): string[] {
  const first = m.rssCheckpoints[0];
  const last = m.rssCheckpoints[m.rssCheckpoints.length - 1];
  return [
    m.label,
    formatInt(m.connections - m.failedConnections),
    formatBytes(m.baselineRssBytes),
    formatBytes(m.heldRssBytes),
    formatBytes(m.perConnectionBytes),
    formatBytes(m.releasedRssBytes),
    formatInt(m.requests),
    first && last ? `${formatBytes(first.rssBytes)} → ${formatBytes(last.rssBytes)}` : '—',
  ];
}
