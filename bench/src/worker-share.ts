// How evenly `gateway serve --workers N` spreads keep-alive connections over its workers: opens
// `connections` connections at once (bounded: all are opened, each sends one request, all stay
// open until every answer is in), asks each which process answered, and counts per worker.
// `npx pnpm --filter @gateway-interop/bench worker-share [--workers 4 --connections 400 --busy]`.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from './targets.ts';
import type { WorkerShareReport } from './types.ts';

const pidApp = join(repoRoot, 'packages', 'gateway', 'test', 'fixtures', 'pid-app.ts');

export type Share = WorkerShareReport;

const REQUEST = 'GET / HTTP/1.1\r\nHost: bench\r\n\r\n';

/**
 * One request on a new connection that stays open; resolves with the pid that answered. With
 * `busy`, the connection then goes on sending requests back to back while `busy.on` holds, so the
 * workers are under load while the later connections are handed out, as in a benchmark.
 */
function askOnNewConnection(
  port: number,
  held: net.Socket[],
  busy?: { on: boolean },
): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    held.push(socket);
    let data = '';
    let answered = false;
    socket.setEncoding('latin1');
    socket.on('error', (error) => (answered ? undefined : reject(error)));
    socket.on('connect', () => socket.write(REQUEST));
    socket.on('data', (chunk: string) => {
      data += chunk;
      for (;;) {
        const head = data.indexOf('\r\n\r\n');
        const length = /content-length: (\d+)/i.exec(data);
        if (head < 0 || !length || data.length < head + 4 + Number(length[1])) return;
        const end = head + 4 + Number(length[1]);
        if (!answered) resolve(Number(data.slice(head + 4, end)));
        answered = true;
        data = data.slice(end);
        if (busy?.on) socket.write(REQUEST);
      }
    });
  });
}

/** Starts `gateway serve pid-app --workers N` with `bin`, measures the share, stops it. */
export async function measureShare(
  workers: number,
  connections: number,
  options: { bin?: string; busy?: boolean } = {},
): Promise<Share> {
  const bin = options.bin ?? join(repoRoot, 'packages', 'gateway', 'bin', 'gateway.mjs');
  const server = spawn(
    process.execPath,
    [bin, 'serve', `${pidApp}:app`, '--workers', String(workers), '--port', '0', '--quiet'],
    {
      env: { ...process.env, HOST: '127.0.0.1', PORT: '' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  try {
    let out = '';
    server.stdout!.on('data', (d: Buffer) => (out += d));
    while (!/on http:\/\/\S+:(\d+)\//.test(out)) await once(server.stdout!, 'data');
    const port = Number(/on http:\/\/\S+:(\d+)\//.exec(out)![1]);
    // Every worker must be up before counting, or the first to listen takes everything.
    const seen = new Set<number>();
    for (let i = 0; i < 200 && seen.size < workers; i++) {
      const held: net.Socket[] = [];
      seen.add(await askOnNewConnection(port, held));
      held.forEach((s) => s.destroy());
      if (seen.size < workers) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const held: net.Socket[] = [];
    const busy = { on: options.busy ?? false };
    const pids = await Promise.all(
      Array.from({ length: connections }, () => askOnNewConnection(port, held, busy)),
    );
    busy.on = false;
    held.forEach((s) => s.destroy());
    const counts = new Map<number, number>();
    for (const pid of pids) counts.set(pid, (counts.get(pid) ?? 0) + 1);
    const perWorker = [...counts.values()].sort((x, y) => y - x);
    while (perWorker.length < workers) perWorker.push(0);
    return {
      workers,
      connections,
      perWorker,
      evenness: Math.min(...perWorker) / (connections / workers),
    };
  } finally {
    server.kill('SIGTERM');
    await once(server, 'exit');
  }
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((arg) => arg !== '--'),
    options: {
      workers: { type: 'string', default: '2,4' },
      connections: { type: 'string', default: '400' },
      bin: { type: 'string' },
      rounds: { type: 'string', default: '3' },
      busy: { type: 'boolean', default: false },
    },
  });
  for (const n of values.workers.split(',').map(Number)) {
    for (let round = 0; round < Number(values.rounds); round++) {
      const share = await measureShare(n, Number(values.connections), {
        bin: values.bin,
        busy: values.busy,
      });
      console.log(
        `--workers ${n}${values.busy ? ' (busy)' : ''}: ${share.connections} connections, per worker ${share.perWorker.join(' / ')} (smallest share ${(share.evenness * 100).toFixed(0)}% of even)`,
      );
    }
  }
}
