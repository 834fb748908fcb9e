// The command line: arguments, errors a user can make (one line, exit code 2), and serving a
// real module in a child process that answers over a socket and drains on SIGTERM.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../src/cli/cli.ts';
import { UsageError, parseAppSpec } from '../src/cli/load-app.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const bin = path.join(here, '..', 'bin', 'gateway.mjs');
const bareApp = path.join(here, '..', '..', '..', 'apps', 'app-bare', 'src', 'app.ts');

function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, HOST: '', PORT: '', ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d));
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  return once(child, 'exit').then(([code]) => ({ code: code as number | null, stdout, stderr }));
}

describe('parseCommand', () => {
  it('reads serve, host, port and flags; flags win over HOST and PORT', () => {
    const c = parseCommand(['serve', 'app.ts:app', '--port', '9000', '--trace'], { PORT: '1234', HOST: '0.0.0.0' });
    expect(c).toMatchObject({ mounts: [{ prefix: '', source: { kind: 'app', spec: 'app.ts:app' } }], workers: 1, options: { port: 9000, host: '0.0.0.0', trace: true, accessLog: true } });
    expect(parseCommand(['serve', 'a.ts'], { PORT: '1234' })).toMatchObject({ options: { port: 1234 } });
  });

  it('ignores the "--" that pnpm passes through', () => {
    expect(parseCommand(['serve', 'a.ts', '--', '--port', '9000'], {})).toMatchObject({ options: { port: 9000 } });
  });

  it.each([
    [['serve', 'a.ts', '--port', 'abc'], /--port must be a whole number/],
    [['serve', 'a.ts', '--port', '70000'], /--port must be a whole number from 0 to 65535/],
    [['serve'], /serve needs the app/],
    [['launch', 'a.ts'], /unknown command "launch"/],
    [['serve', 'a.ts', '--bogus'], /Unknown option '--bogus'/],
    [['serve', 'a.ts', '--workers', 'many'], /--workers must be/],
    [['serve', 'a.ts', 'extra'], /two things are mounted at "\/"/],
    [['serve', '/a=./a.ts', '/a=./b.ts'], /two things are mounted at "\/a"/],
    [['serve', '/a/=./a.ts'], /in "\/a\/=\.\/a\.ts": mount prefix "\/a\/" must not end with "\/"/],
    [['serve', '/a='], /names no module/],
    [['serve', '/a=./a.ts', '--static', '/a=.'], /two things are mounted at "\/a"/],
    [['serve', '/a=./a.ts', '--static', '/s=./no-such-folder'], /--static: the folder "\.\/no-such-folder" does not exist/],
  ])('%j is a usage error', (args, message) => {
    expect(() => parseCommand(args, {})).toThrow(UsageError);
    expect(() => parseCommand(args, {})).toThrow(message);
  });

  it('reads several apps at prefixes and static folders beside them', () => {
    const c = parseCommand(['serve', '/express=./e.ts', '/hono=./h.ts:app', '--static', '/=.'], {});
    expect(c).toMatchObject({
      mounts: [
        { prefix: '/express', source: { kind: 'app', spec: './e.ts' } },
        { prefix: '/hono', source: { kind: 'app', spec: './h.ts:app' } },
        { prefix: '', source: { kind: 'static' } },
      ],
    });
  });

  it('reports a bad GATEWAY_ENGINE by name, listing the tricks', () => {
    expect(() => parseCommand(['serve', 'a.ts'], { GATEWAY_ENGINE: 'slow' })).toThrow(/^GATEWAY_ENGINE=slow: the engine is 'fast' or 'reference'/);
    expect(() => parseCommand(['serve', 'a.ts'], { GATEWAY_ENGINE: 'fast,+bogus' })).toThrow(/'\+bogus' is not \+trick or -trick; the tricks are repeat-heads, /);
    expect(parseCommand(['serve', 'a.ts'], { GATEWAY_ENGINE: 'reference,+packet-clock' })).toMatchObject({ workers: 1 });
  });

  it('reports a bad PORT variable by name', () => {
    expect(() => parseCommand(['serve', 'a.ts'], { PORT: 'x' })).toThrow(/PORT must be a whole number/);
  });

  it('splits module:export, defaulting the export to app', () => {
    expect(parseAppSpec('./src/app.ts:handler')).toEqual({ module: './src/app.ts', exportName: 'handler' });
    expect(parseAppSpec('./src/app.ts')).toEqual({ module: './src/app.ts', exportName: 'app' });
    expect(() => parseAppSpec('./src/app.ts:not-valid')).toThrow(UsageError);
  });
});

describe('the gateway command', () => {
  it.each([
    [['serve', 'missing.ts'], /^gateway: cannot find module "missing.ts"/],
    [['serve', `${bareApp}:nothing`], /^gateway: ".*app\.ts" has no export named "nothing" \(it exports: app\)/],
    [['serve', `${path.join(here, 'fixtures', 'not-an-app.ts')}:value`], /is number, not a gateway callable/],
    [['serve', bareApp, '--port', 'x'], /^gateway: --port must be/],
    [['frobnicate'], /^gateway: unknown command/],
  ])('%j fails with one line and exit code 2', async (args, message) => {
    const result = await run(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('names the engine when it is not the fast one, and refuses one it cannot read (exit code 2)', async () => {
    const bad = await run(['serve', bareApp], { GATEWAY_ENGINE: 'slow' });
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^gateway: GATEWAY_ENGINE=slow: the engine is 'fast' or 'reference'/)]);
    const child = spawn(process.execPath, [bin, 'serve', `${bareApp}:app`, '--port', '0'], { env: { ...process.env, PORT: '', GATEWAY_ENGINE: 'reference' } });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    try {
      while (!stdout.includes('speed tricks on')) await once(child.stdout, 'data');
      expect(stdout).toContain('gateway: engine reference (from GATEWAY_ENGINE); speed tricks on: none\n');
      const url = /on (http:\/\/\S+)\//.exec(stdout)![1]!;
      expect(await (await fetch(`${url}/hello`)).text()).toBe('Hello world from a bare gateway app!\n');
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });

  it('prints help with exit code 0', async () => {
    const result = await run(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: gateway serve <module>[:<export>]');
  });

  it('serves a TypeScript module, logs the request, and drains on SIGTERM', async () => {
    const child = spawn(process.execPath, [bin, 'serve', `${bareApp}:app`, '--port', '0'], { env: { ...process.env, PORT: '' } });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    while (!/on (http:\/\/\S+)\//.test(stdout)) await once(child.stdout, 'data');
    const url = /on (http:\/\/\S+)\//.exec(stdout)![1]!;
    const res = await fetch(`${url}/hello`);
    expect(await res.text()).toBe('Hello world from a bare gateway app!\n');
    while (!stdout.includes('"GET /hello HTTP/1.1" 200')) await once(child.stdout, 'data');
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    expect(stdout).toMatch(/gateway: drained and stopped\n$/);
  });

  it('serves several apps and a folder on one port, each at its prefix', async () => {
    const expressApp = path.join(here, '..', '..', '..', 'apps', 'app-express', 'src', 'app.ts');
    const site = path.join(here, 'fixtures');
    const child = spawn(process.execPath, [bin, 'serve', `/bare=${bareApp}`, `/express=${expressApp}`, '--static', `/files=${site}`, '--port', '0', '--quiet'], {
      env: { ...process.env, PORT: '', HOST: '127.0.0.1' },
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    try {
      while (!/3 mounts on (http:\/\/\S+)\/[^]*files/.test(stdout)) await once(child.stdout, 'data');
      const url = /on (http:\/\/\S+)\//.exec(stdout)![1]!;
      expect(stdout).toContain(`${url}/express  `);
      expect(await (await fetch(`${url}/bare/hello`)).text()).toBe('Hello world from a bare gateway app!\n');
      expect(await (await fetch(`${url}/express/hello`)).text()).toBe('Hello world from Express!');
      const file = await fetch(`${url}/files/pid-app.ts`);
      expect(file.status).toBe(200);
      expect(await file.text()).toContain('process.pid');
      const none = await fetch(`${url}/nothing`);
      expect(none.status).toBe(404);
      expect(await none.text()).toContain('mounted: /bare, /express, /files');
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });

  describe('--workers', () => {
    const pidApp = path.join(here, 'fixtures', 'pid-app.ts');
    /** One request on a fresh connection, so the primary's rotation passes it to the next worker. */
    const pidOf = async (url: string): Promise<number> => Number(await (await fetch(url, { headers: { connection: 'close' } })).text());
    /**
     * Asks until `count` different workers have answered (the rotation makes that quick once they
     * are ready). The start-up line comes when the first worker is ready; on a loaded machine the
     * second can take a while longer to load the app, so the asking goes on for up to 10 s.
     */
    async function workersAnswering(url: string, count: number): Promise<Set<number>> {
      const pids = new Set<number>();
      const until = Date.now() + 10_000;
      while (pids.size < count && Date.now() < until) {
        for (let i = 0; i < 10 && pids.size < count; i++) pids.add(await pidOf(url));
        if (pids.size < count) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return pids;
    }

    it('keeps the pool at size when a worker dies, and drains a response in flight on SIGTERM', async () => {
      const child = spawn(process.execPath, [bin, 'serve', `${pidApp}:app`, '--workers', '2', '--port', '0', '--quiet'], {
        env: { ...process.env, PORT: '', HOST: '127.0.0.1' },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d));
      child.stderr.on('data', (d: Buffer) => (stderr += d));
      try {
        while (!/2 workers serving .* on (http:\/\/\S+)\//.test(stdout)) await once(child.stdout, 'data');
        const url = /on (http:\/\/\S+)\//.exec(stdout)![1]!;
        const first = await workersAnswering(url, 2);
        expect(first.size).toBe(2);
        expect(first.has(child.pid!)).toBe(false); // the primary only hands out connections

        const [victim] = first;
        process.kill(victim!, 'SIGKILL');
        while (!stderr.includes(`worker ${victim} exited (SIGKILL); starting another`)) await once(child.stderr, 'data');
        // The replacement answers beside the survivor: two workers again, the dead one not among them.
        let now = new Set<number>();
        for (let i = 0; i < 40 && now.size < 2; i++) {
          now = await workersAnswering(url, 2);
          if (now.size < 2) await new Promise((resolve) => setTimeout(resolve, 100));
        }
        expect(now.size).toBe(2);
        expect(now.has(victim!)).toBe(false);

        // A response in flight when the primary is told to stop still completes, then everything exits 0.
        const slow = fetch(`${url}/slow`).then(async (res) => [res.status, await res.text()] as const);
        await new Promise((resolve) => setTimeout(resolve, 100));
        child.kill('SIGTERM');
        const [status, body] = await slow;
        expect(status).toBe(200);
        expect(now.has(Number(body))).toBe(true);
        const [code] = await once(child, 'exit');
        expect(code).toBe(0);
        expect(stdout).toContain('gateway: 2 workers drained and stopped\n');
      } finally {
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    }, 30_000);
  });
});
