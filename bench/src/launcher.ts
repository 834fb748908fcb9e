// Starts one server as a child process pinned to the server core(s), waits until it answers,
// and stops it. Every server started is remembered so that an error, Ctrl-C or a normal exit
// leaves nothing running: a stray server would steal CPU from the next measurement.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './free-port.ts';
import type { Pinning } from './pinning.ts';
import { processTree } from './proc.ts';
import { displayCommand, serverCommand } from './targets.ts';
import type { Target } from './types.ts';

export interface RunningServer {
  target: Target;
  port: number;
  url: string;
  pid: number;
  /** The command line as run from the repository root, for the report and for error messages. */
  command: string;
  /** The server's pids now: the process and, with workers, its children. */
  tree(): number[];
  stop(): Promise<void>;
}

const running = new Map<number, { child: ChildProcess; pids: Set<number> }>();

function killPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/** Kills every server started and not yet stopped, by pid. Synchronous: usable in 'exit'. */
export function killAllServers(): void {
  for (const { child, pids } of running.values()) {
    if (child.pid !== undefined) for (const pid of processTree(child.pid)) pids.add(pid);
    for (const pid of pids) killPid(pid, 'SIGKILL');
  }
  running.clear();
}

let cleanupInstalled = false;
/** Makes sure servers die with the bench, whether it ends normally, throws or is interrupted. */
export function installCleanup(onInterrupt: () => void = () => {}): void {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  process.on('exit', killAllServers);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      onInterrupt();
      killAllServers();
      process.stderr.write(`\nbench: ${signal}, servers stopped\n`);
      process.exit(130);
    });
  }
}

/** One GET with a fresh connection (no agent, so no idle socket is left behind); resolves to the status. */
function probe(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(
      url,
      { agent: false, headers: { connection: 'close' }, timeout: 2000 },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
    req.end();
  });
}

export interface StartOptions {
  pinning: Pinning;
  /** Extra command-line arguments for the server (the memory script lengthens timeouts). */
  extraArgs?: string[];
  timeoutMs?: number;
}

export async function startServer(target: Target, options: StartOptions): Promise<RunningServer> {
  const port = await freePort();
  const { cwd, args } = serverCommand(target, port);
  const argv = [
    ...options.pinning.prefix(target.workers),
    process.execPath,
    ...args,
    ...(options.extraArgs ?? []),
  ];
  const command = displayCommand(cwd, argv);
  const child = spawn(argv[0]!, argv.slice(1), {
    cwd,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      GATEWAY_ENGINE: target.engine ?? 'fast',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const entry = { child, pids: new Set<number>() };
  if (child.pid !== undefined) {
    running.set(child.pid, entry);
    entry.pids.add(child.pid);
  }
  // Keep the tail of the output: if the server dies, its last words go in the error.
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited: string | undefined;
  const exitPromise = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = `exited with ${signal ?? code}`;
      resolve();
    });
    child.once('error', (error) => {
      exited = `failed to start: ${error.message}`;
      resolve();
    });
  });
  const url = `http://127.0.0.1:${port}`;
  const pid = child.pid ?? -1;
  const server: RunningServer = {
    target,
    port,
    url,
    pid,
    command,
    tree: () => (exited ? [] : processTree(pid)),
    stop: async () => {
      if (exited === undefined) {
        for (const p of processTree(pid)) entry.pids.add(p);
        killPid(pid, 'SIGTERM');
        await Promise.race([exitPromise, sleep(5000)]);
      }
      // Workers left behind by a primary that did not wait for them, or a server that ignored SIGTERM.
      for (const p of entry.pids) killPid(p, 'SIGKILL');
      running.delete(pid);
    },
  };

  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  try {
    while (true) {
      if (exited !== undefined) throw new Error(`${target.id} ${exited} before answering`);
      if (Date.now() > deadline)
        throw new Error(
          `${target.id} did not answer on ${url}${target.path} within ${options.timeoutMs ?? 30_000} ms`,
        );
      const status = await probe(url + target.path);
      if (status === 200 && server.tree().length >= (target.workers > 1 ? target.workers + 1 : 1))
        break;
      if (status !== 0 && status !== 200)
        throw new Error(`${target.id} answered ${target.path} with ${status}, not 200`);
      await sleep(100);
    }
    // With workers, the first to listen answers while the others may still be loading the app.
    if (target.workers > 1) await sleep(1000);
  } catch (error) {
    await server.stop();
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(
      `${message}\n  command: ${command}\n  output: ${output.trim().split('\n').slice(-10).join('\n          ')}`,
    );
  }
  return server;
}
