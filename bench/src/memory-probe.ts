// The memory figures: RSS per idle keep-alive connection (open N connections, one request each,
// then leave them idle), RSS once they are released, and RSS across a million keep-alive
// requests in slices. The server runs in its own pinned process; the connections are held here.
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer } from './launcher.ts';
import { runLoad } from './load.ts';
import type { Pinning } from './pinning.ts';
import { rssBytes } from './proc.ts';
import type { Progress } from './progress.ts';
import type { MemoryReport, Target } from './types.ts';

export interface MemoryOptions {
  connections: number;
  requests: number;
  /** RSS is read after each of this many equal slices of the requests. */
  slices: number;
  pinning: Pinning;
  progress?: Progress;
}

/** RSS within this much of the baseline counts as given back. */
const RELEASE_NOISE_BYTES = 4 * 1024 * 1024;
const RELEASE_WAIT_S = 10;

/** Long timeouts so the idle connections are still open when RSS is read. */
function holdArgs(target: Target): string[] {
  if (target.kind === 'node-http') return ['--keep-alive-timeout', '600000'];
  if (target.kind === 'gateway')
    return ['--keep-alive-timeout', '600000', '--headers-timeout', '600000'];
  return [];
}

/** Complete once a response head and its Content-Length of body have arrived. */
export function responseComplete(received: Buffer): boolean {
  const end = received.indexOf('\r\n\r\n');
  if (end < 0) return false;
  const match = /\r\ncontent-length:\s*(\d+)/i.exec(received.subarray(0, end).toString('latin1'));
  return received.length >= end + 4 + Number(match?.[1] ?? 0);
}

/** Opens a connection, makes one request, and resolves with the socket left open and idle. */
function openIdle(port: number, path: string): Promise<Socket | undefined> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let received = Buffer.alloc(0);
    const timer = setTimeout(() => fail(), 10_000);
    const fail = (): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(undefined);
    };
    socket.once('connect', () =>
      socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`),
    );
    const onData = (chunk: Buffer): void => {
      received = Buffer.concat([received, chunk]);
      if (!responseComplete(received)) return;
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('error', fail);
      // A later error (the server closing it) must not crash the bench.
      socket.on('error', () => {});
      resolve(socket);
    };
    socket.on('data', onData);
    socket.once('error', fail);
    socket.once('close', () => resolve(undefined));
  });
}

/** RSS of the tree after a pause, so in-flight work and deferred frees have settled. */
async function settledRss(tree: () => number[], ms: number): Promise<number> {
  await sleep(ms);
  return rssBytes(tree());
}

/** Progress steps and seconds one target's memory figures are expected to take. */
export function plannedMemory(
  requests: number,
  slices: number,
): { steps: number; seconds: number } {
  return { steps: 4 + slices, seconds: 2 + 3 + 8 + RELEASE_WAIT_S + requests / REQUESTS_PER_S };
}

/** A rough keep-alive request rate on 2 cores, only for the time-left estimate. */
const REQUESTS_PER_S = 25_000;

export async function measureMemory(target: Target, options: MemoryOptions): Promise<MemoryReport> {
  const { progress } = options;
  progress?.step(`memory ${target.id}: starting`, 2);
  const server = await startServer(target, {
    pinning: options.pinning,
    extraArgs: holdArgs(target),
  });
  try {
    const url = server.url + target.path;
    // Warm up first, so JIT-compiled code and a grown heap do not count as per-connection cost.
    progress?.step(`memory ${target.id}: warm-up`, 3);
    await runLoad({ url, connections: 100, pipelining: 1, amount: 50_000 });
    const baselineRssBytes = await settledRss(server.tree, 2000);

    progress?.step(
      `memory ${target.id}: opening ${options.connections} idle keep-alive connections`,
      8,
    );
    const sockets: Socket[] = [];
    let failedConnections = 0;
    const batch = 250; // below the listen backlog, so no connection waits on a SYN retry
    for (let opened = 0; opened < options.connections; opened += batch) {
      const results = await Promise.all(
        Array.from({ length: Math.min(batch, options.connections - opened) }, () =>
          openIdle(server.port, target.path),
        ),
      );
      for (const socket of results) {
        if (socket) sockets.push(socket);
        else failedConnections++;
      }
    }
    const heldRssBytes = await settledRss(server.tree, 3000);
    const held = sockets.length;

    progress?.step(`memory ${target.id}: releasing connections`, RELEASE_WAIT_S);
    for (const socket of sockets) socket.destroy();
    sockets.length = 0;
    // V8 gives memory back lazily (its memory reducer acts a few seconds after allocation slows),
    // so wait until RSS is back within noise of the baseline, or give up after RELEASE_WAIT_S.
    const releaseStart = Date.now();
    let releasedRssBytes = await settledRss(server.tree, 1000);
    while (
      releasedRssBytes > baselineRssBytes + RELEASE_NOISE_BYTES &&
      Date.now() - releaseStart < RELEASE_WAIT_S * 1000
    ) {
      releasedRssBytes = await settledRss(server.tree, 1000);
    }
    const releasedAfterS = (Date.now() - releaseStart) / 1000;

    const slice = Math.ceil(options.requests / options.slices);
    const rssCheckpoints = [{ afterRequests: 0, rssBytes: releasedRssBytes }];
    let requestErrors = 0;
    let done = 0;
    for (let i = 0; i < options.slices; i++) {
      progress?.step(
        `memory ${target.id}: keep-alive requests ${done}/${options.requests}`,
        slice / REQUESTS_PER_S,
      );
      const load = await runLoad({ url, connections: 100, pipelining: 1, amount: slice });
      done += load.ok;
      requestErrors += load.errors;
      rssCheckpoints.push({ afterRequests: done, rssBytes: await settledRss(server.tree, 1000) });
    }
    return {
      target: target.id,
      label: target.label,
      command: server.command,
      connections: options.connections,
      baselineRssBytes,
      heldRssBytes,
      perConnectionBytes: held > 0 ? (heldRssBytes - baselineRssBytes) / held : Number.NaN,
      releasedRssBytes,
      releasedAfterS,
      failedConnections,
      requests: done,
      requestErrors,
      rssCheckpoints,
    };
  } finally {
    await server.stop();
  }
}
