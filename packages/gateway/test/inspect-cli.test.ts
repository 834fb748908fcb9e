// `--inspect` from the command line: the flags as parsed (loopback and 8889 by default, refused
// where they cannot work), and `gateway serve --inspect` end to end in a child process.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../src/cli/cli.ts';
import { parseCompare } from '../src/compare/command.ts';
import { UsageError } from '../src/cli/load-app.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const bin = path.join(here, '..', 'bin', 'gateway.mjs');
const bareApp = path.join(here, '..', '..', '..', 'apps', 'app-bare', 'src', 'app.ts');

describe('--inspect flags', () => {
  it('default to 127.0.0.1:8889, and take --inspect-port and --inspect-host', () => {
    const plain = parseCommand(['serve', './app.ts'], {});
    expect(plain !== 'help' && plain.inspect).toBeUndefined();
    expect(parseCommand(['serve', './app.ts', '--inspect'], {})).toMatchObject({
      inspect: { host: '127.0.0.1', port: 8889 },
    });
    expect(
      parseCommand(
        ['serve', './app.ts', '--inspect', '--inspect-port', '0', '--inspect-host', '0.0.0.0'],
        {},
      ),
    ).toMatchObject({ inspect: { host: '0.0.0.0', port: 0 } });
    expect(parseCompare(['--serve', '--inspect'], {})).toMatchObject({
      inspect: { host: '127.0.0.1', port: 8889 },
    });
  });

  it('are refused where they cannot work, saying why', () => {
    expect(() => parseCommand(['serve', './app.ts', '--inspect-port', '9'], {})).toThrow(
      new UsageError('--inspect-port and --inspect-host need --inspect'),
    );
    expect(() =>
      parseCommand(['serve', './app.ts', '--inspect', '--inspect-port', 'x'], {}),
    ).toThrow(/--inspect-port must be a whole number/);
    expect(() => parseCommand(['serve', './app.ts', '--inspect', '--workers', '2'], {})).toThrow(
      /use it without --workers/,
    );
    expect(() => parseCompare(['GET', '/hello', '--inspect'], {})).toThrow(
      /--inspect is for --serve/,
    );
  });
});

describe('gateway serve --inspect', () => {
  it('prints the inspector URL and shows each exchange there', async () => {
    const child = spawn(
      process.execPath,
      [
        bin,
        'serve',
        `/bare=${bareApp}`,
        '--port',
        '0',
        '--inspect',
        '--inspect-port',
        '0',
        '--quiet',
      ],
      {
        env: { ...process.env, PORT: '' },
      },
    );
    try {
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d));
      while (!/inspector on (http:\/\/\S+)\//.test(stdout)) await once(child.stdout, 'data');
      const served = /mounts on (http:\/\/\S+)\//.exec(stdout)![1]!;
      const inspector = /inspector on (http:\/\/127\.0\.0\.1:\d+)\//.exec(stdout)![1]!;
      expect(await (await fetch(`${served}/bare/hello`)).text()).toBe(
        'Hello world from a bare gateway app!\n',
      );
      const list = await (await fetch(`${inspector}/`)).text();
      expect(list).toMatch(/<td class="target">\/bare\/hello<\/td>/);
      const view = await (await fetch(`${inspector}/x/0`)).text();
      expect(view).toMatch(/<span class="origin app"\s*>\s*app \(\/bare\)\s*<\/span\s*>/);
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });
});
