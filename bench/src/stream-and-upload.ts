// Two fidelity figures per framework, native server vs gateway: time to first byte of a streamed
// response (/stream, 5 chunks 100 ms apart: the first should arrive long before the last is
// made), and the server's peak RSS growth while a 50 MB upload is echoed back (/echo: it must
// stay far below 50 MB, or something buffers the body). Usage: tsx src/stream-and-upload.ts
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { freePort } from './free-port.ts';
import { repoRoot, tsxLoader } from './targets.ts';

const UPLOAD_MB = 50;
const TRIES = 5;

interface Server {
  child: ChildProcess;
  port: number;
}

async function start(args: string[], port: number): Promise<Server> {
  const child = spawn(process.execPath, args, { cwd: repoRoot, env: { ...process.env, PORT: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d));
  child.stderr!.on('data', (d: Buffer) => (out += d));
  for (let i = 0; i < 300 && !out.includes(String(port)); i++) await new Promise((r) => setTimeout(r, 50));
  if (!out.includes(String(port))) throw new Error(`server did not start: ${args.join(' ')}\n${out}`);
  await new Promise((r) => setTimeout(r, 300));
  return { child, port };
}

function rssMb(pid: number, key: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024;
}

/** Milliseconds to the first body byte and to the end of /stream. */
function streamTimes(port: number): Promise<{ first: number; last: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let first = 0;
    let text = '';
    const socket = net.connect(port, '127.0.0.1', () =>
      socket.write('GET /stream?n=5&ms=100 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
    );
    socket.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      if (first === 0 && text.includes('chunk 1')) first = performance.now() - started;
    });
    socket.on('end', () => resolve({ first, last: performance.now() - started }));
    socket.on('error', reject);
  });
}

/** Echoes `UPLOAD_MB` through /echo, reading the answer as it comes; returns bytes echoed. */
function echo(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const size = UPLOAD_MB * 1024 * 1024;
    const piece = Buffer.alloc(1024 * 1024, 0x62);
    let received = 0;
    const socket = net.connect(port, '127.0.0.1');
    socket.on('data', (d: Buffer) => (received += d.length));
    socket.on('end', () => resolve(received));
    socket.on('error', reject);
    socket.write(`POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: ${size}\r\nConnection: close\r\n\r\n`);
    let sent = 0;
    const pump = (): void => {
      while (sent < size) {
        sent += piece.length;
        if (!socket.write(piece)) return void socket.once('drain', pump);
      }
    };
    pump();
  });
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const rows: string[] = [];
for (const framework of ['express', 'fastify', 'hono']) {
  const app = join('apps', `app-${framework}`, 'src');
  for (const side of ['native', 'gateway'] as const) {
    const port = await freePort();
    const args =
      side === 'native'
        ? ['--import', tsxLoader, join(app, 'native.ts'), '--port', String(port), '--host', '127.0.0.1']
        : [join('packages', 'gateway', 'bin', 'gateway.mjs'), 'serve', `${join(app, 'app.ts')}:app`, '--port', String(port), '--quiet'];
    const server = await start(args, port);
    try {
      const times = [];
      for (let i = 0; i < TRIES; i++) times.push(await streamTimes(port));
      const before = rssMb(server.child.pid!, 'VmRSS');
      const echoed = await echo(port);
      const peak = rssMb(server.child.pid!, 'VmHWM');
      rows.push(
        `| ${framework} | ${side} | ${median(times.map((t) => t.first)).toFixed(1)} | ${median(times.map((t) => t.last)).toFixed(0)} | ` +
          `${before.toFixed(1)} | ${peak.toFixed(1)} | ${(peak - before).toFixed(1)} | ${(echoed / 1024 / 1024).toFixed(1)} |`,
      );
    } finally {
      server.child.kill('SIGTERM');
    }
  }
}
console.log(`Median of ${TRIES} requests for /stream?n=5&ms=100; one ${UPLOAD_MB} MB POST /echo per server (bytes back include the response head).\n`);
console.log('| framework | server | first byte ms | last byte ms | RSS before MB | peak RSS MB | growth MB | MB echoed |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const row of rows) console.log(row);
