// `--workers N`: one server process per worker under node:cluster, sharing the listening socket.
// The primary keeps the pool at size (a worker that dies is replaced) and, on SIGINT/SIGTERM,
// asks every worker to drain (finish responses in flight) before it exits itself.
import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';

/** Parses `--workers`: a whole number from 1 up, or `auto` for one per core. */
export function workerCount(value: string): number | undefined {
  if (value === 'auto') return availableParallelism();
  return /^[1-9]\d{0,2}$/.test(value) ? Number(value) : undefined;
}

export function isPrimary(): boolean {
  return cluster.isPrimary;
}

/**
 * Runs in the primary: forks `count` workers and supervises them until a signal. `listening` is
 * called once, with the URL, when the first worker listens (they all share its port, also port 0).
 */
export function runPrimary(count: number, log: (line: string) => void, listening: (url: string) => void): void {
  let stopping = false;
  let announced = false;
  cluster.on('listening', (_worker, address) => {
    if (announced) return;
    announced = true;
    const host = address.addressType === 6 ? `[${address.address}]` : address.address;
    listening(`http://${host}:${address.port}`);
  });
  const fork = (): void => {
    cluster.fork();
  };
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    log(`gateway: worker ${worker.process.pid} exited (${signal ?? code}); starting another`);
    fork();
  });
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    log('gateway: draining workers');
    for (const worker of Object.values(cluster.workers ?? {})) worker?.send('gateway:drain');
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  for (let i = 0; i < count; i++) fork();
}

/** Runs in a worker: calls `drain` when the primary asks. */
export function onDrainRequest(drain: () => void): void {
  process.on('message', (message) => {
    if (message === 'gateway:drain') drain();
  });
}
