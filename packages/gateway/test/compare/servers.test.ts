// `gateway compare --server/--servers`: the same apps under several servers, one column per app
// and server (`express@node`), over real sockets, and the arguments that cannot go together.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCompare } from '../../src/compare/command.ts';
import { UsageError } from '../../src/cli/load-app.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const bin = path.join(here, '..', '..', 'bin', 'gateway.mjs');
const root = path.join(here, '..', '..', '..', '..');

describe('parseCompare --server, --servers', () => {
  it('defaults to the gateway alone, with plain column names', () => {
    expect(parseCompare(['/hello'], {})).toMatchObject({ servers: ['gateway'], serversNamed: false });
    expect(parseCompare(['/hello', '--server', 'fetch'], {})).toMatchObject({ servers: ['fetch'], serversNamed: true });
    expect(parseCompare(['/hello', '--servers', 'gateway, node,fetch'], {})).toMatchObject({ servers: ['gateway', 'node', 'fetch'] });
    expect(parseCompare(['--serve', '--server', 'node'], {})).toMatchObject({ servers: ['node'] });
  });

  it.each([
    [['/hello', '--servers', 'gateway,apache'], /--servers must be one of gateway, node, fetch, got "apache"/],
    [['/hello', '--servers', 'node,node'], /--servers names a server twice/],
    [['/hello', '--server', 'node', '--servers', 'fetch'], /--server and --servers cannot be used together/],
    [['--serve', '--servers', 'gateway,node'], /--serve runs one server/],
  ])('%j is a usage error', (args, message) => {
    expect(() => parseCompare(args, {})).toThrow(UsageError);
    expect(() => parseCompare(args, {})).toThrow(message);
  });
});

describe('gateway compare --servers gateway,node,fetch', () => {
  it('asks Express under each server and lays the answers side by side', async () => {
    const child = spawn(process.execPath, [bin, 'compare', '--servers', 'gateway,node,fetch', '--json', 'GET', '/cookies', '/express=./apps/app-express/src/app.ts'], { cwd: root });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as { answers: Array<{ name: string; status: number; headers: Array<[string, string]> }> };
    expect(result.answers.map((a) => a.name)).toEqual(['/express@gateway', '/express@node', '/express@fetch']);
    for (const a of result.answers) {
      expect(a.status, a.name).toBe(200);
      // Two Set-Cookie fields stay two under every server.
      expect(a.headers.filter(([n]) => n.toLowerCase() === 'set-cookie'), a.name).toHaveLength(2);
    }
    // Only the gateway names itself: the other columns really are other servers.
    expect(result.answers.map((a) => a.headers.some(([n]) => n.toLowerCase() === 'server'))).toEqual([true, false, false]);
  });
});
