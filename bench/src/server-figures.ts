// bench/results/servers.json: the servers × frameworks matrix's cost row, requests per server
// CPU-second on GET /hello for each cell (`express@node`) measured in this run. docs/matrix.md
// (`npx pnpm matrix`) reads it, so the table says what each cell costs beside whether it works.
import { writeFileSync } from 'node:fs';
import { matrixCellOf } from './targets.ts';
import type { BenchReport } from './types.ts';

export interface ServerFigures {
  taken: string;
  cells: Record<string, { 1?: number; 10?: number }>;
}

export function serverFigures(report: BenchReport): ServerFigures {
  const cells: ServerFigures['cells'] = {};
  for (const summary of report.summaries) {
    const target = report.targets.find((t) => t.id === summary.target);
    const cell = target && matrixCellOf(target);
    if (cell === undefined || summary.rounds === 0 || (summary.pipelining !== 1 && summary.pipelining !== 10)) continue;
    (cells[cell] ??= {})[summary.pipelining] = Math.round(summary.reqPerCpuS);
  }
  const { settings, machine } = report;
  const how = settings.mode === 'quick' ? `--quick: ${settings.rounds} rounds of ${settings.durationS} s` : `${settings.rounds} rounds of ${settings.durationS} s`;
  return { taken: `${machine.date.slice(0, 10)}, ${how}, autocannon -c ${settings.connections}, ${machine.cpus} cores, Node ${machine.node}`, cells };
}

export function writeServerFigures(path: string, report: BenchReport): string {
  writeFileSync(path, JSON.stringify(serverFigures(report), null, 2) + '\n');
  return path;
}
