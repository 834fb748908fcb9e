// Shows that `--inspect` stays bounded under a long load: serves the bare and Hono apps with the
// inspector on, in its own process, sends N requests (default 100,000; every 50th a 100 KiB upload
// echoed back, so bodies get cut at 64 KiB) over 8 keep-alive connections, and prints the server's
// resident memory as it goes. The ring keeps 200 exchanges, so after the first few thousand
// requests RSS should stop growing. Usage: tsx scripts/inspect-rss.ts [requests] [--no-inspect]
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const apps = path.join(here, '..', '..', '..', 'apps');
const numbers = process.argv.slice(2).filter((arg) => /^\d+$/.test(arg));
const total = Number(numbers[0] ?? 100_000);
const inspect = !process.argv.includes('--no-inspect');

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

const args = ['serve', `/bare=${path.join(apps, 'app-bare/src/app.ts')}`, `/hono=${path.join(apps, 'app-hono/src/app.ts')}`, '--port', '0', '--quiet'];
if (inspect) args.push('--inspect', '--inspect-port', '0');
const server = spawn(process.execPath, [path.join(here, '..', 'bin', 'gateway.mjs'), ...args], {
  env: { ...process.env, PORT: '' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
let out = '';
for await (const chunk of server.stdout) {
  out += chunk;
  if (/mounts on http:\/\/\S+\//.test(out) && (!inspect || out.includes('inspector on'))) break;
}
const port = Number(/mounts on http:\/\/[^:]+:(\d+)\//.exec(out)![1]);
const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
const upload = Buffer.alloc(100 * 1024, 'x');

function one(i: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const post = i % 50 === 0;
    const request = http.request(
      { host: '127.0.0.1', port, agent, method: post ? 'POST' : 'GET', path: post ? '/bare/echo' : i % 2 ? '/hono/hello' : '/bare/hello' },
      (response) => {
        response.on('data', () => {});
        response.on('end', resolve);
      },
    );
    request.on('error', reject);
    request.end(post ? upload : undefined);
  });
}

const started = performance.now();
console.log(`inspect-rss: ${total} requests, --inspect ${inspect ? 'on' : 'off'}; server RSS at start ${rssMiB(server.pid!).toFixed(1)} MiB`);
let sent = 0;
const checkpoints = new Set([1_000, 10_000, Math.floor(total / 2), total]);
async function worker(): Promise<void> {
  while (sent < total) {
    const i = ++sent;
    await one(i);
    if (checkpoints.has(i)) console.log(`  after ${String(i).padStart(7)} requests: RSS ${rssMiB(server.pid!).toFixed(1)} MiB`);
  }
}
await Promise.all(Array.from({ length: 8 }, worker));
console.log(`  ${total} requests in ${((performance.now() - started) / 1000).toFixed(1)} s`);
agent.destroy();
server.kill('SIGTERM');
