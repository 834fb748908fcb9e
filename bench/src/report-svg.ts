// The chart in the markdown report: requests per server CPU-second, one group of bars per server
// and one bar per pipelining depth. Plain SVG text, so it renders on GitHub and needs no library.
import { formatInt } from './format.ts';
import type { TargetSummary } from './types.ts';

const COLORS = ['#4c78a8', '#f58518', '#54a24b', '#e45756'];

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A round axis step giving about `ticks` gridlines up to `max`: 1, 2 or 5 times a power of ten. */
export function niceStep(max: number, ticks = 5): number {
  if (!(max > 0)) return 1;
  const raw = max / ticks;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].find((m) => m * power >= raw)!;
  return step * power;
}

export function renderChart(
  summaries: readonly TargetSummary[],
  title = 'Requests per server CPU-second (higher is better)',
): string {
  const labels = [...new Set(summaries.map((s) => s.label))];
  const depths = [...new Set(summaries.map((s) => s.pipelining))].sort((a, b) => a - b);
  const value = (label: string, depth: number): number | undefined => {
    const v = summaries.find((s) => s.label === label && s.pipelining === depth)?.reqPerCpuS;
    return v !== undefined && Number.isFinite(v) ? v : undefined;
  };
  const max = Math.max(
    1,
    ...summaries.map((s) => (Number.isFinite(s.reqPerCpuS) ? s.reqPerCpuS : 0)),
  );
  const step = niceStep(max);
  const axisMax = Math.ceil(max / step) * step;

  const width = 860;
  const left = 250;
  const right = 90;
  const plot = width - left - right;
  const barH = 14;
  const gap = 4;
  const groupGap = 14;
  const top = 56;
  const groupH = depths.length * (barH + gap) - gap;
  const height = top + labels.length * (groupH + groupGap) + 30;
  const x = (v: number): number => left + (v / axisMax) * plot;

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="12">`,
  );
  out.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text x="${left}" y="20" font-size="14" font-weight="600">${escapeXml(title)}</text>`);
  depths.forEach((depth, i) => {
    const lx = left + i * 150;
    out.push(`<rect x="${lx}" y="30" width="12" height="12" fill="${COLORS[i % COLORS.length]}"/>`);
    out.push(
      `<text x="${lx + 18}" y="40">${depth === 1 ? 'no pipelining' : `${depth}-deep pipelining`}</text>`,
    );
  });
  const bottom = height - 26;
  for (let v = 0; v <= axisMax; v += step) {
    out.push(
      `<line x1="${x(v).toFixed(1)}" y1="${top - 6}" x2="${x(v).toFixed(1)}" y2="${bottom}" stroke="#e0e0e0"/>`,
    );
    out.push(
      `<text x="${x(v).toFixed(1)}" y="${bottom + 16}" text-anchor="middle" fill="#666">${formatInt(v)}</text>`,
    );
  }
  labels.forEach((label, g) => {
    const gy = top + g * (groupH + groupGap);
    out.push(
      `<text x="${left - 8}" y="${(gy + groupH / 2 + 4).toFixed(1)}" text-anchor="end">${escapeXml(label)}</text>`,
    );
    depths.forEach((depth, i) => {
      const v = value(label, depth);
      if (v === undefined) return;
      const y = gy + i * (barH + gap);
      out.push(
        `<rect class="bar" x="${left}" y="${y}" width="${(x(v) - left).toFixed(1)}" height="${barH}" fill="${COLORS[i % COLORS.length]}"/>`,
      );
      out.push(
        `<text x="${(x(v) + 4).toFixed(1)}" y="${y + barH - 3}" fill="#333">${formatInt(v)}</text>`,
      );
    });
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
