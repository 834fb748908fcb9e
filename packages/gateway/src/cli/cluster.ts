// `--workers N`: one server process per worker under node:cluster. The primary listens and passes
// each accepted connection to the next worker in strict rotation. node:cluster's own round robin
// hands a connection to the first *free* worker, one that has acknowledged its last hand-over, so
// under load the workers that answer the primary soonest collect the most keep-alive connections
// (400 busy connections over 4 workers: 118 / 114 / 112 / 56; with SCHED_NONE the kernel does
// worse: 197 / 84 / 77 / 42); strict rotation gives 100 each. Listening in the primary also means
// a host or port mistake is reported once, before any worker starts.
//
// The primary supervises: a worker that fails before it is ready stops the whole command with
// that worker's one-line reason (another worker would only fail the same way); a worker that dies
// later is replaced after a growing pause, and a crash loop gives up. On SIGINT/SIGTERM it stops
// accepting, asks every worker to drain (finish responses in flight) and exits once they all have.
import cluster from 'node:cluster';
import type { Worker } from 'node:cluster';
import net from 'node:net';
import { availableParallelism } from 'node:os';
import type { GatewayServer } from '../server/server.ts';

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
  /** Called once, with the URL, when the first worker is ready. */
  listening(url: string): void;
  /** Called once when every worker has drained after a signal. */
  stopped(): void;
}

type WorkerMessage = { gateway: 'startup-failed'; line: string } | { gateway: 'ready' };

function fromWorker(message: unknown): WorkerMessage | undefined {
  const gateway = (message as { gateway?: unknown } | null)?.gateway;
  return gateway === 'startup-failed' || gateway === 'ready' ? (message as WorkerMessage) : undefined;
}

/** Where the primary listens; workers serve as if they did (SERVER_NAME, SERVER_PORT). */
const ADDRESS_ENV = 'GATEWAY_WORKER_ADDRESS';

/**
 * Runs in the primary: listens on `host`:`port` (rejecting, before any worker starts, if it
 * cannot), forks `count` workers, passes them connections in turn, and supervises them.
 */
export async function runPrimary(count: number, host: string, port: number, hooks: PrimaryHooks): Promise<void> {
  let stopping = false;
  let failing = false;
  let announced = false;
  const ready: Worker[] = [];
  const everReady = new Set<number>();
  const reasons = new Map<number, string>();
  const waiting: net.Socket[] = [];
  const deaths: number[] = [];
  let turn = 0;

  /** The next ready worker in rotation; connections that find none wait for the first. */
  const handOut = (socket: net.Socket, attempts = 0): void => {
    if (stopping || failing) return void socket.destroy();
    if (ready.length === 0) return void waiting.push(socket);
    const worker = ready[turn++ % ready.length]!;
    worker.send('gateway:connection', socket, (error: Error | null) => {
      // The worker went away between the choice and the send: offer it to another.
      if (!error) return;
      if (attempts < count) handOut(socket, attempts + 1);
      else socket.destroy();
    });
  };
  // pauseOnConnect: the primary reads nothing; the worker that gets the socket reads the request.
  const listener = net.createServer({ pauseOnConnect: true }, (socket) => handOut(socket));
  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(port, host, () => {
      listener.off('error', reject);
      resolve();
    });
  });
  listener.on('error', (error) => hooks.log(`gateway: accepting connections failed: ${error.message}`));
  const bound = listener.address() as net.AddressInfo;
  const url = `http://${bound.family === 'IPv6' ? `[${bound.address}]` : bound.address}:${bound.port}`;
  const fork = (): Worker => cluster.fork({ [ADDRESS_ENV]: JSON.stringify({ host, port: bound.port }) });

  const alive = (): Worker[] => Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
  /** Ends the command: stops the other workers first, so none outlives the primary. */
  const giveUp = (line: string, code: number): void => {
    failing = true;
    listener.close();
    hooks.log(line);
    for (const worker of alive()) worker.process.kill('SIGKILL');
    process.exitCode = code;
    if (alive().length === 0) process.exit(code);
  };

  cluster.on('message', (worker, raw) => {
    const message = fromWorker(raw);
    if (message?.gateway === 'startup-failed') reasons.set(worker.id, message.line);
    if (message?.gateway !== 'ready' || stopping || failing) return;
    ready.push(worker);
    everReady.add(worker.id);
    if (!announced) {
      announced = true;
      hooks.listening(url);
    }
    for (const socket of waiting.splice(0)) handOut(socket);
  });
  // A worker's channel closes before its exit is reported: stop handing it connections then.
  const retire = (worker: Worker): boolean => {
    const at = ready.indexOf(worker);
    if (at >= 0) ready.splice(at, 1);
    return at >= 0;
  };
  cluster.on('disconnect', retire);
  cluster.on('exit', (worker, code, signal) => {
    const how = signal ?? code;
    retire(worker);
    const wasReady = everReady.has(worker.id);
    if (stopping || failing) {
      if (alive().length > 0) return;
      if (failing) process.exit(process.exitCode ?? 1);
      hooks.stopped();
      process.exit(0);
    }
    if (!wasReady) {
      giveUp(reasons.get(worker.id) ?? `gateway: worker ${worker.process.pid} exited (${how}) before it was ready`, 2);
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
      if (!stopping && !failing) fork();
    }, delay);
  });
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    listener.close();
    for (const socket of waiting.splice(0)) socket.destroy();
    if (alive().length === 0) {
      hooks.stopped();
      process.exit(0);
    }
    for (const worker of alive()) worker.send('gateway:drain');
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  for (let i = 0; i < count; i++) fork();
}

/**
 * Runs in a worker: serves the connections the primary passes over with `server`, tells the
 * primary it is ready for them, and calls `drain` when the primary asks. Returns the URL served.
 */
export function serveFromPrimary(server: GatewayServer, drain: () => void): string {
  const { host, port } = JSON.parse(process.env[ADDRESS_ENV] ?? '{}') as { host: string; port: number };
  server.serveAdopted(host, port);
  process.on('message', (message, socket) => {
    if (message === 'gateway:connection' && socket instanceof net.Socket) server.adopt(socket);
    else if (message === 'gateway:drain') drain();
  });
  process.send!({ gateway: 'ready' } satisfies WorkerMessage);
  return `http://${host}:${port}`;
}

/**
 * Says why serving could not start: in a worker, to the primary (which prints it once for the
 * whole pool); in a single process, on stderr.
 */
export async function reportStartupFailure(line: string): Promise<void> {
  if (cluster.isWorker && process.send !== undefined) {
    const message: WorkerMessage = { gateway: 'startup-failed', line };
    await new Promise<void>((resolve) => process.send!(message, undefined, undefined, () => resolve()));
    return;
  }
  process.stderr.write(line + '\n');
}
