// The README's first command as a user runs it: `npm start` from the repository root, then Ctrl-C.
// A terminal's Ctrl-C sends SIGINT to the whole foreground process group (npm, the start script,
// the server); the test does the same by starting npm in a group of its own and signalling it.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

beforeAll(() => {
  // Brings the install up to date (a no-op after `npm test`'s own setup step), so that the
  // `npm start` below must skip it.
  expect(
    spawnSync(process.execPath, [path.join(root, 'scripts', 'setup.mjs')], {
      cwd: root,
      stdio: 'ignore',
    }).status,
  ).toBe(0);
}, 120_000);

it('npm start skips a current install, serves /hello, and on Ctrl-C drains and says so in one line', async () => {
  const npm = spawn('npm', ['start'], {
    cwd: root,
    detached: true,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1' },
  });
  let output = '';
  npm.stdout.on('data', (d: Buffer) => (output += d));
  npm.stderr.on('data', (d: Buffer) => (output += d));
  const exited = once(npm, 'exit');
  try {
    while (!/on (http:\/\/\S+)\//.test(output))
      await Promise.race([once(npm.stdout, 'data'), exited]);
    const url = /on (http:\/\/\S+)\//.exec(output)![1]!;
    const res = await fetch(`${url}/hello`);
    expect(res.status).toBe(200);
    await res.text();
    process.kill(-npm.pid!, 'SIGINT');
    const [code, signal] = await exited;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(output).not.toContain('setup:');
    expect(output).not.toMatch(/ERR_PNPM|ERR!|Command failed/);
    expect(output.trimEnd().split('\n').at(-1)).toBe('gateway: drained and stopped');
  } finally {
    if (npm.exitCode === null && npm.signalCode === null) process.kill(-npm.pid!, 'SIGKILL');
  }
}, 60_000);
