// Reads a server's CPU time and memory from /proc, from outside the server, so every server is
// measured the same way whatever it is built on. A server with workers is a tree of processes;
// every figure here is summed over the tree.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

/** Clock ticks per second for utime/stime; 100 on practically every Linux, but ask anyway. */
const CLOCK_TICKS = (() => {
  try {
    const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return ticks > 0 ? ticks : 100;
  } catch {
    return 100;
  }
})();

export const procAvailable = (() => {
  try {
    readFileSync('/proc/self/stat');
    return true;
  } catch {
    return false;
  }
})();

interface StatFields {
  /** The executable's name, as in `ps -o comm`. */
  comm: string;
  ppid: number;
  /** utime + stime, in clock ticks. */
  cpuTicks: number;
}

/** Parses /proc/<pid>/stat text. The command name is in parentheses and may hold spaces. */
export function parseStat(text: string): StatFields {
  const close = text.lastIndexOf(')');
  const comm = text.slice(text.indexOf('(') + 1, close);
  const rest = text.slice(close + 2).split(' ');
  // rest[0] is field 3 (state); ppid is field 4, utime 14, stime 15.
  return { comm, ppid: Number(rest[1]), cpuTicks: Number(rest[11]) + Number(rest[12]) };
}

function readStat(pid: number): StatFields | undefined {
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined; // gone between listing and reading
  }
}

/**
 * tsx's esbuild service: a helper every TypeScript server here has for running without a build
 * step. It idles once the app is loaded, so it is left out rather than counted as the server.
 */
const NOT_THE_SERVER = new Set(['esbuild']);

/** The pid and all its live descendants (cluster workers are children of the primary). */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (!stat || NOT_THE_SERVER.has(stat.comm)) continue;
    const list = children.get(stat.ppid);
    if (list) list.push(Number(name));
    else children.set(stat.ppid, [Number(name)]);
  }
  const tree: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** CPU seconds (user + system, all threads) used so far by each process, keyed by pid. */
export function cpuSeconds(pids: readonly number[]): Map<number, number> {
  const result = new Map<number, number>();
  for (const pid of pids) {
    const stat = readStat(pid);
    if (stat) result.set(pid, stat.cpuTicks / CLOCK_TICKS);
  }
  return result;
}

/**
 * CPU seconds the tree used between two readings. A process that appeared in between counts from
 * zero; one that vanished is lost, which the bench avoids by not restarting servers mid-round.
 */
export function cpuDelta(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, seconds] of after) total += seconds - (before.get(pid) ?? 0);
  return total;
}

/** Parses a `Vm...:   1234 kB` line of /proc/<pid>/status into bytes. */
export function parseStatusKb(text: string, field: string): number | undefined {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
  return match ? Number(match[1]) * 1024 : undefined;
}

function statusField(pids: readonly number[], field: 'VmRSS'): number {
  let total = 0;
  for (const pid of pids) {
    try {
      total += parseStatusKb(readFileSync(`/proc/${pid}/status`, 'utf8'), field) ?? 0;
    } catch {
      // process gone
    }
  }
  return total;
}

/** Resident set size now, summed over the processes. */
export function rssBytes(pids: readonly number[]): number {
  return statusField(pids, 'VmRSS');
}
