// `gateway serve --server gateway|node|fetch`: the same module served by node:http and by
// @hono/node-server (found in @gateway-interop/adapters beside the app), over real sockets, and
// the options only the gateway server has refused with one line and exit code 2.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/cli/cli.ts';
import { UsageError } from '../../src/cli/load-app.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const bin = path.join(here, '..', '..', 'bin', 'gateway.mjs');
const apps = path.join(here, '..', '..', '..', '..', 'apps');
const bareApp = path.join(apps, 'app-bare', 'src', 'app.ts');
const expressApp = path.join(apps, 'app-express', 'src', 'app.ts');

describe('parseCommand --server', () => {
  it('defaults to the gateway and reads node and fetch', () => {
    expect(parseCommand(['serve', 'a.ts'], {})).toMatchObject({ server: 'gateway' });
    expect(parseCommand(['serve', 'a.ts', '--server', 'node'], {})).toMatchObject({ server: 'node' });
    expect(parseCommand(['serve', '/a=./a.ts', '/b=./b.ts', '--server', 'fetch', '--shutdown-timeout', '5'], {})).toMatchObject({
      server: 'fetch',
      options: { shutdownTimeoutMs: 5 },
    });
  });

  it.each([
    [['serve', 'a.ts', '--server', 'uwsgi'], /--server must be one of gateway, node, fetch, got "uwsgi"/],
    [['serve', 'a.ts', '--server', 'node', '--workers', '2'], /--workers is an option of the gateway server; it cannot be used with --server node/],
    [['serve', 'a.ts', '--server', 'fetch', '--trace'], /--trace is an option of the gateway server/],
    [['serve', 'a.ts', '--server', 'node', '--max-body-bytes', '10'], /--max-body-bytes is an option of the gateway server/],
    [['serve', 'a.ts', '--server', 'node', '--trust-proxy', 'loopback'], /--trust-proxy is an option of the gateway server/],
  ])('%j is a usage error', (args, message) => {
    expect(() => parseCommand(args, {})).toThrow(UsageError);
    expect(() => parseCommand(args, {})).toThrow(message);
  });
});

/** Starts the CLI, waits for its `on http://…/` line, and returns the URL and the child. */
async function start(args: string[], cwd?: string): Promise<{ url: string; line: string; stop(): Promise<number | null> }> {
  const child = spawn(process.execPath, [bin, 'serve', ...args, '--port', '0'], { cwd, env: { ...process.env, PORT: '', HOST: '127.0.0.1' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d));
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  const exited = once(child, 'exit');
  while (!/on (http:\/\/\S+)\//.test(stdout)) {
    const event = await Promise.race([once(child.stdout, 'data').then(() => 'data'), exited.then(() => 'exit')]);
    if (event === 'exit') throw new Error(`the server exited: ${stderr}`);
  }
  return {
    url: /on (http:\/\/\S+)\//.exec(stdout)![1]!,
    line: stdout.split('\n')[0]!,
    stop: async () => {
      child.kill('SIGTERM');
      const [code] = await exited;
      return code as number | null;
    },
  };
}

describe('8.1 gateway serve --server: the same callable under other servers', () => {
  it.each([
    ['node', 'node:http'],
    ['fetch', '@hono/node-server'],
  ])('--server %s serves the bare app under %s, and drains on SIGTERM', async (server, label) => {
    const served = await start([`${bareApp}:app`, '--server', server]);
    try {
      expect(served.line).toContain(`under ${label} on http://127.0.0.1:`);
      const res = await fetch(`${served.url}/hello`);
      expect(await res.text()).toBe('Hello world from a bare gateway app!\n');
      // The gateway names itself in Server; these servers add none: it really is another server.
      expect(res.headers.get('server')).toBeNull();
    } finally {
      expect(await served.stop()).toBe(0);
    }
  });

  it('8.2 --server fetch: a fetch Request carries no peer, so the CLI passes it beside the Request', async () => {
    const served = await start([`${bareApp}:app`, '--server', 'fetch']);
    try {
      const seen = (await (await fetch(`${served.url}/inspect`)).json()) as { remoteAddress: string };
      expect(seen.remoteAddress).toBe('127.0.0.1');
    } finally {
      await served.stop();
    }
  });

  it('mounts work under every server: mount() is one more gateway callable', async () => {
    const served = await start([`/bare=${bareApp}:app`, `/express=${expressApp}:app`, '--server', 'fetch']);
    try {
      expect(served.line).toMatch(/^gateway: serving 2 mounts under @hono\/node-server on http:/);
      expect(await (await fetch(`${served.url}/bare/hello`)).text()).toBe('Hello world from a bare gateway app!\n');
      expect(await (await fetch(`${served.url}/express/hello`)).text()).toBe('Hello world from Express!');
      expect((await fetch(`${served.url}/elsewhere`)).status).toBe(404);
    } finally {
      await served.stop();
    }
  });

  it('says where it looked when the adapters are not beside the app', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gateway-server-'));
    try {
      writeFileSync(path.join(dir, 'app.mjs'), "export const app = (environ, startResponse) => { startResponse('200 OK', []); return ['hi']; };\n");
      // pnpm's script shims set NODE_PATH to its store, where the adapters can be found from anywhere.
      const { NODE_PATH: _, ...env } = process.env;
      const child = spawn(process.execPath, [bin, 'serve', './app.mjs', '--server', 'node', '--port', '0'], { cwd: dir, env });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d));
      const [code] = await once(child, 'exit');
      expect(code).toBe(2);
      expect(stderr.trim().split('\n')).toEqual([expect.stringMatching(/^gateway: --server node needs @gateway-interop\/adapters beside the app \(looked from .*\); install it there or use --server gateway$/)]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
