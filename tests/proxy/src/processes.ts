// Starting and stopping what the proxy test runs: nginx with a generated config under a temporary
// prefix, and gateway servers through the real `gateway serve` command. Everything listens on
// loopback only, and everything started here is stopped by the caller's `stop()`.
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { accessSync, constants, mkdtempSync, chmodSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { nginxConfig } from './nginx-config.ts';
import type { Site } from './nginx-config.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const gatewayDir = path.dirname(
  createRequire(import.meta.url).resolve('@gateway-interop/gateway/package.json'),
);
const gatewayBin = path.join(gatewayDir, 'bin', 'gateway.mjs');
export const backendApp = path.join(here, 'backend-app.ts');

/** The nginx binary ($NGINX, else on PATH or in sbin), or why there is none (the test is then skipped with that reason). */
export function findNginx(): { path: string } | { missing: string } {
  const named = process.env.NGINX;
  if (named) {
    try {
      accessSync(named, constants.X_OK);
      return { path: named };
    } catch {
      return { missing: `NGINX=${named} is not an executable file` };
    }
  }
  for (const dir of [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/local/sbin']) {
    const candidate = path.join(dir, 'nginx');
    try {
      accessSync(candidate, constants.X_OK);
      return { path: candidate };
    } catch {
      // not here
    }
  }
  return {
    missing:
      'nginx is not installed (on Debian/Ubuntu: apt-get install -y nginx-light; .ci/run does this as root)',
  };
}

/** A port free on `host` right now (bound to 0, then released) for servers that need one named. */
export async function freePort(host: string): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) =>
    server.once('error', reject).listen(0, host, resolve),
  );
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function canListenOn(host: string): Promise<boolean> {
  try {
    await freePort(host);
    return true;
  } catch {
    return false;
  }
}

async function stopChild(
  child: ChildProcess,
  signal: NodeJS.Signals,
  graceMs = 10_000,
): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const exited = once(child, 'exit');
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  const [code] = (await exited) as [number | null];
  clearTimeout(timer);
  return code;
}

export interface Nginx {
  readonly prefix: string;
  stop(): Promise<void>;
}

/** Writes the config under a fresh prefix and runs nginx in the foreground until `stop()`. */
export async function startNginx(binary: string, site: Site, ports: number[]): Promise<Nginx> {
  const prefix = mkdtempSync(path.join(os.tmpdir(), 'gateway-nginx-'));
  // Run as root, nginx's workers become "nobody", who must be able to reach the temp dirs inside.
  chmodSync(prefix, 0o755);
  const conf = path.join(prefix, 'nginx.conf');
  writeFileSync(conf, nginxConfig(site, prefix));
  const test = spawnSync(
    binary,
    ['-t', '-p', prefix, '-c', conf, '-e', path.join(prefix, 'error.log')],
    { encoding: 'utf8' },
  );
  if (test.status !== 0) throw new Error(`nginx rejected the generated config:\n${test.stderr}`);
  const child = spawn(binary, ['-p', prefix, '-c', conf, '-e', path.join(prefix, 'error.log')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d));
  // Ready when every port accepts a connection.
  const deadline = Date.now() + 10_000;
  for (const port of ports) {
    const host = site.listeners
      .find((l) => l.address.endsWith(`:${port}`))!
      .address.replace(/:\d+$/, '')
      .replace(/^\[|\]$/g, '');
    while (!(await connects(host, port))) {
      if (Date.now() > deadline || child.exitCode !== null)
        throw new Error(`nginx did not start: ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return {
    prefix,
    async stop() {
      await stopChild(child, 'SIGQUIT'); // nginx's graceful shutdown
      rmSync(prefix, { recursive: true, force: true });
    },
  };
}

function connects(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, host);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

export interface Backend {
  readonly port: number;
  readonly pid: number;
  readonly exited: Promise<number | null>;
  /** SIGTERM: the gateway drains (finishes responses in flight) and exits. */
  stop(): Promise<number | null>;
}

/** Runs `gateway serve backend-app.ts:app` with `args`; resolves once it listens. */
export async function startBackend(
  host: string,
  port: number,
  args: string[] = [],
): Promise<Backend> {
  const child = spawn(
    process.execPath,
    [
      gatewayBin,
      'serve',
      `${backendApp}:app`,
      '--host',
      host,
      '--port',
      String(port),
      '--quiet',
      ...args,
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, HOST: '', PORT: '' },
    },
  );
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d));
  child.stderr!.on('data', (d: Buffer) => (out += d));
  const deadline = Date.now() + 30_000;
  let match: RegExpExecArray | null;
  while ((match = /on http:\/\/\S+:(\d+)\//.exec(out)) === null) {
    if (Date.now() > deadline || child.exitCode !== null)
      throw new Error(`gateway did not start: ${out}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    port: Number(match[1]),
    pid: child.pid!,
    exited,
    stop: () => stopChild(child, 'SIGTERM'),
  };
}

/** A self-signed certificate for `::1`, `127.0.0.1` and localhost, made with the openssl CLI. */
export function selfSignedCertificate(
  dir: string,
): { certificate: string; key: string } | undefined {
  const certificate = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  const made = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=IP:::1,IP:127.0.0.1,DNS:localhost',
      '-keyout',
      key,
      '-out',
      certificate,
    ],
    { stdio: 'ignore' },
  );
  return made.status === 0 ? { certificate, key } : undefined;
}
