// Holds 10,000 idle keep-alive connections to an in-process gateway server, releases them, and
// reports the JS heap (after a forced GC) and RSS at each stage. RSS alone cannot show that memory
// came back, since V8 and the allocator keep freed pages; a heap back at its starting point can.
// Usage: node --expose-gc --import tsx scripts/idle-connections-heap.ts [connections]
import { fork } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { serve } from '../src/server/server.ts';
import type { App } from '../src/types.ts';

if (process.argv[2] === 'client') {
  await runClient(Number(process.argv[3]), Number(process.argv[4]));
  process.exit(0);
}

/** Opens `count` keep-alive connections, each after one answered request; closes them on 'release'. */
async function runClient(port: number, count: number): Promise<void> {
  const sockets: net.Socket[] = [];
  for (let i = 0; i < count; i += 100) {
    await Promise.all(
      Array.from({ length: Math.min(100, count - i) }, () =>
        new Promise<void>((resolve, reject) => {
          const socket = net.connect(port, '127.0.0.1', () => socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
          socket.once('data', () => resolve());
          socket.on('error', reject);
          sockets.push(socket);
        }),
      ),
    );
  }
  process.send!('held');
  await once(process, 'message');
  for (const socket of sockets) socket.destroy();
}

const count = Number(process.argv[2] ?? 10_000);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc');

const app: App = (_e, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'text/plain']]);
  return ['ok'];
};

function snapshot(label: string): { heap: number; rss: number } {
  gc!();
  gc!();
  const { heapUsed, rss } = process.memoryUsage();
  console.log(`${label.padEnd(34)} heap ${(heapUsed / 1048576).toFixed(1)} MiB   rss ${(rss / 1048576).toFixed(1)} MiB`);
  return { heap: heapUsed, rss };
}

const server = await serve(app, { host: '127.0.0.1', port: 0, keepAliveTimeoutMs: 600_000, headersTimeoutMs: 600_000 });
// Warm up once so code and caches are in place before the baseline.
await (await fetch(`${server.url}/`)).text();
const before = snapshot('before');

// The client side lives in a child process: 10,000 sockets on each side would not fit in one
// process's open-file limit, and the heap measured here should be the server's alone.
const client = fork(fileURLToPath(import.meta.url), ['client', String(server.port), String(count)], {
  execArgv: ['--import', 'tsx'],
});
await once(client, 'message');
const held = snapshot(`holding ${count} idle connections`);
console.log(`server connections open: ${server.server.connectionCount}`);
client.send('release');
await once(client, 'exit');
while (server.server.connectionCount > 0) await new Promise((r) => setTimeout(r, 50));
await new Promise((r) => setTimeout(r, 200));
const released = snapshot('released');
console.log(`server heap per held connection: ${((held.heap - before.heap) / count / 1024).toFixed(2)} KiB`);
console.log(`heap after release vs before: ${((released.heap - before.heap) / 1048576).toFixed(2)} MiB`);
await server.close();
