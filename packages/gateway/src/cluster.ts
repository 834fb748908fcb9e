// `--workers N`: one server process per worker under node:cluster, sharing the listening socket.
// The primary supervises: a worker that fails before it ever listened stops the whole command
// with that worker's one-line reason (another worker would only fail the same way); a worker
// that dies later is replaced after a growing pause, and a crash loop gives up. On SIGINT/SIGTERM
// it asks every worker to drain (finish responses in flight) and exits once they all have.
import cluster from 'node:cluster';
import type { Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';

/** Parses `--workers`: a whole number from 1 up, or `auto` for one per core. */
export function workerCount(value: string): number | undefined {
  if (value === 'auto') return availableParallelism();
  return /^[1-9]\d{0,2}$/.test(value) ? Number(value) : undefined;
}

export function isPrimary(): boolean {
  return cluster.isPrimary;
}

/** Pause before replacing a worker, doubling with each recent death: 100 ms, 200 ms, … 5 s. */
export function restartDelayMs(recentDeaths: number): number {
  return Math.min(100 * 2 ** Math.max(0, recentDeaths - 1), 5_000);
}

/** Deaths within this window count as one crash loop. */
export const CRASH_WINDOW_MS = 60_000;

/** More deaths than this within the window and the primary gives up (scales with the pool). */
export function crashLimit(count: number): number {
  return count + 4;
}

export interface PrimaryHooks {
  /** A line for the operator (stderr). */
  log(line: string): void;
  /** Called once, with the URL, when the first worker listens (all share its port, also port 0). */
  listening(url: string): void;
  /** Called once when every worker has drained after a signal. */
  stopped(): void;
}

interface StartupFailure {
  gateway: 'startup-failed';
  line: string;
}

function isStartupFailure(message: unknown): message is StartupFailure {
  return typeof message === 'object' && message !== null && (message as StartupFailure).gateway === 'startup-failed';
}

/** Runs in the primary: forks `count` workers and supervises them until a signal. */
export function runPrimary(count: number, hooks: PrimaryHooks): void {
  let stopping = false;
  let failing = false;
  let announced = false;
  const listened = new Set<number>();
  const reasons = new Map<number, string>();
  const deaths: number[] = [];

  const alive = (): Worker[] => Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
  /** Ends the command: stops the other workers first, so none outlives the primary. */
  const giveUp = (line: string, code: number): void => {
    failing = true;
    hooks.log(line);
    for (const worker of alive()) worker.process.kill('SIGKILL');
    process.exitCode = code;
    if (alive().length === 0) process.exit(code);
  };

  cluster.on('listening', (worker, address) => {
    listened.add(worker.id);
    if (announced) return;
    announced = true;
    const host = address.addressType === 6 ? `[${address.address}]` : address.address;
    hooks.listening(`http://${host}:${address.port}`);
  });
  cluster.on('message', (worker, message) => {
    if (isStartupFailure(message)) reasons.set(worker.id, message.line);
  });
  cluster.on('exit', (worker, code, signal) => {
    const how = signal ?? code;
    if (stopping || failing) {
      if (alive().length > 0) return;
      if (failing) process.exit(process.exitCode ?? 1);
      hooks.stopped();
      process.exit(0);
    }
    if (!listened.has(worker.id)) {
      giveUp(reasons.get(worker.id) ?? `gateway: worker ${worker.process.pid} exited (${how}) before it could listen`, 2);
      return;
    }
    const now = Date.now();
    deaths.push(now);
    while (deaths[0]! < now - CRASH_WINDOW_MS) deaths.shift();
    if (deaths.length > crashLimit(count)) {
      giveUp(`gateway: workers keep crashing (${deaths.length} exits in ${CRASH_WINDOW_MS / 1000} s, the last ${how}); giving up`, 1);
      return;
    }
    const delay = restartDelayMs(deaths.length);
    hooks.log(`gateway: worker ${worker.process.pid} exited (${how}); starting another in ${delay} ms`);
    setTimeout(() => {
      if (!stopping && !failing) cluster.fork();
    }, delay);
  });
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    if (alive().length === 0) {
      hooks.stopped();
      process.exit(0);
    }
    for (const worker of alive()) worker.send('gateway:drain');
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  for (let i = 0; i < count; i++) cluster.fork();
}

/** Runs in a worker: calls `drain` when the primary asks. */
export function onDrainRequest(drain: () => void): void {
  process.on('message', (message) => {
    if (message === 'gateway:drain') drain();
  });
}

/**
 * Says why serving could not start: in a worker, to the primary (which prints it once for the
 * whole pool); in a single process, on stderr.
 */
export async function reportStartupFailure(line: string): Promise<void> {
  if (cluster.isWorker && process.send !== undefined) {
    const message: StartupFailure = { gateway: 'startup-failed', line };
    await new Promise<void>((resolve) => process.send!(message, undefined, undefined, () => resolve()));
    return;
  }
  process.stderr.write(line + '\n');
}
