// Streams a large upload (default 200 MB) to a gateway server in its own process and reports the
// server's resident memory before and at its peak (VmHWM), to show the body is streamed, never
// held whole. Usage: tsx scripts/upload-rss.ts [megabytes] [module:export]
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const megabytes = Number(process.argv[2] ?? 200);
const target = process.argv[3] ?? `${path.join(here, 'count-bytes-app.ts')}:app`;
const route = process.argv[4] ?? '/';

function memory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string): number => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

const server = spawn(process.execPath, [path.join(here, '..', 'bin', 'gateway.mjs'), 'serve', target, '--port', '0', '--quiet'], {
  env: { ...process.env, PORT: '' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
let out = '';
for await (const chunk of server.stdout) {
  out += chunk;
  if (/on http:\/\/\S+\//.test(out)) break;
}
const port = Number(/:(\d+)\//.exec(out)![1]);
await new Promise((r) => setTimeout(r, 300));
const before = memory(server.pid!);

const size = megabytes * 1024 * 1024;
const piece = Buffer.alloc(1024 * 1024, 0x61);
const started = performance.now();
const answer = await new Promise<string>((resolve, reject) => {
  const socket = net.connect(port, '127.0.0.1');
  let reply = '';
  socket.on('data', (d: Buffer) => (reply += d.toString('latin1')));
  socket.on('end', () => resolve(reply));
  socket.on('error', reject);
  socket.write(`POST ${route} HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: ${size}\r\nConnection: close\r\n\r\n`);
  let sent = 0;
  const pump = (): void => {
    while (sent < size) {
      sent += piece.length;
      if (!socket.write(piece)) return void socket.once('drain', pump);
    }
  };
  pump();
});
const seconds = (performance.now() - started) / 1000;
const after = memory(server.pid!);
server.kill('SIGTERM');
const bodyEnd = answer.indexOf('\r\n\r\n');
console.log(`upload: ${megabytes} MB in ${seconds.toFixed(2)} s through ${target.split('/').slice(-3).join('/')} ${route}`);
console.log(`status line: ${answer.slice(0, answer.indexOf('\r\n'))}; body bytes answered: ${answer.length - bodyEnd - 4}`);
console.log(`server RSS: ${before.rss.toFixed(1)} MB before, peak ${after.peak.toFixed(1)} MB (growth ${(after.peak - before.rss).toFixed(1)} MB)`);
