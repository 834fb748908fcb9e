// The workers rows of the report: how evenly `--workers N` shares busy keep-alive connections
// among its workers, and how much of N times one worker's throughput N workers deliver
// (efficiency: the workers comparison's req/s ratio over N). On 2 cores the load generator takes
// one, so the efficiency here measures overhead, not scaling.
import { formatRatio } from './format.ts';
import type { BenchReport } from './types.ts';

export const WORKERS_HEADER = [
  'workers',
  'connections',
  'per worker',
  'smallest / even',
  'efficiency (req/s ÷ N × 1 worker)',
];
export const WORKERS_RIGHT = [true, true, false, true, false];

export function workersRows(report: BenchReport): string[][] {
  return (report.workerShares ?? []).map((share) => {
    const scaling = report.ratios
      .filter((r) => r.comparison === 'workers' && share.workers === 2)
      .map(
        (r) =>
          `${r.pipelining === 1 ? 'no pipelining' : `${r.pipelining}-deep`} ${formatRatio(r.rpsRatio / share.workers)}`,
      );
    return [
      `--workers ${share.workers}`,
      String(share.connections),
      share.perWorker.join(' / '),
      `${Math.round(share.evenness * 100)}%`,
      scaling.join(', ') || 'not measured',
    ];
  });
}
