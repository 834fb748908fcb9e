// The workers rows: each measured share, and the efficiency from the workers comparison's ratios.
import { expect, it } from 'vitest';
import { workersRows } from './report-workers.ts';
import type { BenchReport, RatioSummary } from './types.ts';

const ratio = (pipelining: number, rpsRatio: number): RatioSummary => ({
  comparison: 'workers',
  label: 'gateway --workers 2 / --workers 1',
  pipelining,
  cpuRatio: 1,
  rpsRatio,
  goal: undefined,
  met: undefined,
});

it('shows each share and, for the two workers the comparison ran, req/s ratio over N', () => {
  const report = {
    ratios: [ratio(1, 1.5), ratio(10, 1.2)],
    workerShares: [
      { workers: 2, connections: 400, perWorker: [200, 200], evenness: 1 },
      { workers: 4, connections: 400, perWorker: [118, 114, 112, 56], evenness: 0.56 },
    ],
  } as unknown as BenchReport;
  const rows = workersRows(report);
  expect(rows[0]!.slice(0, 4)).toEqual(['--workers 2', '400', '200 / 200', '100%']);
  expect(rows[0]![4]).toMatch(/^no pipelining 0\.75\S*, 10-deep 0\.6/);
  expect(rows[1]).toEqual(['--workers 4', '400', '118 / 114 / 112 / 56', '56%', 'not measured']);
  expect(workersRows({ ratios: [] } as unknown as BenchReport)).toEqual([]);
});
