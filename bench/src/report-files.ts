// Writes a run's results folder: report.json (everything, rounds included), report.md and
// chart.svg. Only the last two (and README.md) are kept in git; the JSON is for digging in.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderMarkdown } from './report-markdown.ts';
import { renderChart } from './report-svg.ts';
import type { BenchReport } from './types.ts';

export function writeReports(dir: string, report: BenchReport): string[] {
  mkdirSync(dir, { recursive: true });
  const files: [string, string][] = [
    ['report.json', JSON.stringify(report, null, 2) + '\n'],
    ['report.md', renderMarkdown(report)],
    ['chart.svg', renderChart(report.summaries)],
  ];
  return files.map(([name, text]) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  });
}
