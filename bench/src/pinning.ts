// Which cores the servers and the load generator get. They share the machine, so each is kept
// on its own core(s) with taskset when there is more than one core and taskset exists; otherwise
// nothing is pinned and the report says so.
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

export interface Pinning {
  pinned: boolean;
  /** taskset list for a server with `workers` processes. */
  serverCpus(workers: number): string;
  loadCpu: string;
  /** Prefix for a server command line: ['taskset', '-c', '0'] or nothing. */
  prefix(workers: number): string[];
}

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The load generator takes the last core; servers get the first ones, one per worker at most. */
export function planPinning(cores = availableParallelism(), taskset = hasTaskset()): Pinning {
  if (cores < 2 || !taskset) {
    return { pinned: false, serverCpus: () => 'any', loadCpu: 'any', prefix: () => [] };
  }
  const serverCpus = (workers: number): string => {
    const count = Math.max(1, Math.min(workers, cores - 1));
    return count === 1 ? '0' : `0-${count - 1}`;
  };
  return {
    pinned: true,
    serverCpus,
    loadCpu: String(cores - 1),
    prefix: (workers) => ['taskset', '-c', serverCpus(workers)],
  };
}

/** Moves this process (every thread: autocannon runs here) onto the load generator's core. */
export function pinSelf(pinning: Pinning): void {
  if (!pinning.pinned) return;
  execFileSync('taskset', ['-a', '-p', '-c', pinning.loadCpu, String(process.pid)], {
    stdio: 'ignore',
  });
}
