// Serving that cannot start ends with one line and exit code 2, in one process and under
// --workers (where the primary must not restart failing workers forever); a crash loop after
// listening slows down and gives up. Each case spawns the real `gateway` command.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restartDelayMs } from '../src/cli/cluster.ts';
import { startupErrorLine } from '../src/cli/startup-errors.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const bin = path.join(here, '..', 'bin', 'gateway.mjs');
const bareApp = path.join(here, '..', '..', '..', 'apps', 'app-bare', 'src', 'app.ts');
const fixture = (name: string): string => path.join(here, 'fixtures', name);

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function run(args: string[], timeoutMs = 20_000): Promise<Result> {
  const started = Date.now();
  const child = spawn(process.execPath, [bin, ...args], {
    env: { ...process.env, HOST: '', PORT: '' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d));
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  // A restart loop would never exit: kill it so the test fails on the assertions, not the timeout.
  const guard = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return once(child, 'exit').then(([code]) => {
    clearTimeout(guard);
    return { code: code as number | null, stdout, stderr, ms: Date.now() - started };
  });
}

function expectOneLine(result: Result, message: RegExp): void {
  expect(result.stderr.trim()).toMatch(message);
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
  expect(result.code).toBe(2);
}

describe('startupErrorLine', () => {
  it('names host, port and reason of a listen error, and leaves other errors alone', () => {
    const inUse = Object.assign(new Error('listen EADDRINUSE'), {
      code: 'EADDRINUSE',
      address: '127.0.0.1',
      port: 80,
    });
    expect(startupErrorLine(inUse)).toBe(
      'gateway: cannot listen on 127.0.0.1:80: the address is already in use (another server on that port?) (EADDRINUSE)',
    );
    expect(startupErrorLine(new TypeError('bug'))).toBeUndefined();
  });

  it('backs off restarts from 100 ms, doubling, up to 5 s', () => {
    expect([1, 2, 3, 4, 10].map(restartDelayMs)).toEqual([100, 200, 400, 800, 5000]);
  });
});

describe('a server that cannot start', () => {
  let holder: net.Server;
  let busyPort: number;
  let dir: string;
  beforeAll(async () => {
    holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    busyPort = (holder.address() as net.AddressInfo).port;
    dir = await mkdtemp(path.join(os.tmpdir(), 'gateway-syntax-'));
  });
  afterAll(async () => {
    holder.close();
    await rm(dir, { recursive: true, force: true });
  });

  for (const workers of [[], ['--workers', '2']]) {
    const label = workers.length === 0 ? 'one process' : '--workers 2';
    it(`${label}: a host that is not an address or does not resolve`, async () => {
      for (const host of ['999.1.1.1', 'nosuchhost.invalid']) {
        const result = await run(['serve', bareApp, '--host', host, '--port', '0', ...workers]);
        expectOneLine(
          result,
          new RegExp(
            `^gateway: cannot listen on ${host.replace(/\./g, '\\.')}(:0)?: no such host \\(ENOTFOUND\\)$`,
            'm',
          ),
        );
      }
    }, 30_000);

    it(`${label}: an address in use`, async () => {
      const result = await run([
        'serve',
        bareApp,
        '--host',
        '127.0.0.1',
        '--port',
        String(busyPort),
        ...workers,
      ]);
      expectOneLine(
        result,
        new RegExp(
          `^gateway: cannot listen on 127\\.0\\.0\\.1:${busyPort}: the address is already in use`,
        ),
      );
    }, 20_000);
  }

  it('--workers 2: an app that throws at import in the workers stops the command with its reason', async () => {
    const result = await run([
      'serve',
      fixture('worker-import-fails.ts'),
      '--port',
      '0',
      '--workers',
      '2',
    ]);
    expectOneLine(
      result,
      /^gateway: could not load ".*worker-import-fails\.ts": no database in the worker$/,
    );
  }, 20_000);

  it('a .ts app with a syntax error names the file, line and column', async () => {
    // Outside any package.json (where Node says "Cannot require() ES Module … in a cycle") and
    // inside a "type": "module" one (where tsx says "Transform failed with 1 error:").
    for (const sub of ['plain', 'esm']) {
      const file = path.join(dir, sub, 'broken.ts');
      await rm(path.dirname(file), { recursive: true, force: true });
      await import('node:fs/promises').then((fs) => fs.mkdir(path.dirname(file)));
      if (sub === 'esm')
        await writeFile(path.join(dir, sub, 'package.json'), '{ "type": "module" }\n');
      await writeFile(file, 'export const app = () => {\n  const x = ;\n  return [x];\n};\n');
      const result = await run(['serve', `${file}:app`, '--port', '0']);
      expectOneLine(
        result,
        new RegExp(
          `^gateway: could not load ".*broken\\.ts": syntax error at .*broken\\.ts:2:13: Unexpected ";"$`,
        ),
      );
      expect(result.stderr).not.toMatch(/cycle/);
    }
  }, 30_000);

  it('--workers 2: workers that die after listening are replaced with growing pauses, then the primary gives up', async () => {
    const result = await run(
      ['serve', fixture('worker-crashes.ts'), '--port', '0', '--workers', '2', '--quiet'],
      40_000,
    );
    const pauses = [...result.stderr.matchAll(/exited \(3\); starting another in (\d+) ms/g)].map(
      (m) => Number(m[1]),
    );
    expect(pauses.slice(0, 4)).toEqual([100, 200, 400, 800]);
    expect(result.stderr.trim().split('\n').at(-1)).toMatch(
      /^gateway: workers keep crashing \(7 exits in 60 s, the last 3\); giving up$/,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack traces
  }, 45_000);
});
