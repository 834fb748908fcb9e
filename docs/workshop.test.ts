// Runs every command the workshop shows (lines starting with `$ ` in a sh block), in order, and
// checks that the guide prints exactly what really comes out, line for line. Commands run in a
// pseudo-terminal (util-linux `script`), so curl -v shows what a reader sees in a terminal, not
// its piped form. Servers are started as shown, with PORT=0 in the environment so each gets a
// free port; `localhost:8888` in the commands that follow is pointed at it, and the real port is
// written back as 8888. Only values that change from run to run are normalised: the Date header
// and the Server-Timing duration (and the date and time rows of `gateway compare`); and for
// `--inspect` (its port, INSPECT_PORT=0, written back as 8889) the inspector's timings in ms and
// the client's ephemeral REMOTE_PORT.
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const guide = readFileSync(path.join(root, 'docs', 'workshop.md'), 'utf8');

interface Step {
  command: string;
  expected: string[];
}

/** `$ command` lines in ```sh blocks, each with the output lines shown under it (blank ones too). */
function steps(markdown: string): Step[] {
  const found: Step[] = [];
  for (const block of markdown.matchAll(/```sh\n([\s\S]*?)```/g)) {
    for (const line of block[1]!.split('\n')) {
      if (line.startsWith('$ ')) found.push({ command: line.slice(2), expected: [] });
      else if (found.length > 0) found[found.length - 1]!.expected.push(line);
    }
  }
  for (const step of found) while (step.expected.at(-1)?.trim() === '') step.expected.pop();
  return found;
}

/**
 * What may differ between the guide and a run: the Date header's value, the timing's figure, and
 * the rows of `gateway compare`'s table that hold a date or a time.
 */
const normalise = (line: string): string =>
  line
    .trimEnd()
    .replace(/Date: .*/, 'Date: (date)')
    .replace(/dur=[\d.]+/, 'dur=(ms)')
    .replace(/^( {2}date \[s\] +).*/, '$1(date)')
    .replace(/^( {2}time +).*/, '$1(ms)')
    .replace(/ *\d+\.\d\d ms/g, ' (ms)')
    .replace(/^(REMOTE_PORT:? +)\d+$/, '$1(port)');
// A reader's shell, not the test runner's: the npm_* variables pnpm and turbo set for the test
// would make npx warn ("Unknown env config …") where a reader sees nothing.
const shell = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
const env = { ...shell, PORT: '0', INSPECT_PORT: '0', HOST: '127.0.0.1', PATH: `${path.join(root, 'node_modules', '.bin')}:${process.env.PATH}` };

let server: ChildProcess | null = null;
let port = '';
let inspectorPort = '';

async function startServer(command: string): Promise<string> {
  await stopServer();
  // Its own process group: npx runs the server as a child of its own and does not pass SIGTERM
  // on, so stopping means signalling the whole group (else every server outlives the test).
  const child = spawn('sh', ['-c', `exec ${command}`], { cwd: root, env, detached: true });
  server = child;
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d));
  child.stderr!.on('data', (d: Buffer) => (out += d));
  const deadline = Date.now() + 30_000;
  while (!/on http:\/\/(\S+)\//.test(out)) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`server did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  port = /on http:\/\/[^/\s]+:(\d+)\//.exec(out)![1]!;
  if (command.includes('--inspect')) {
    while (!/inspector on http:\/\/[^/\s]+:(\d+)\//.test(out)) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`inspector did not start:\n${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    inspectorPort = /inspector on http:\/\/[^/\s]+:(\d+)\//.exec(out)![1]!;
  }
  return out;
}

const ESC = String.fromCharCode(27);
/** Select Graphic Rendition (bold, colour): changes how text looks, not what it says. */
const SGR = new RegExp(`${ESC}\\[[\\d;]*m`, 'g');

/**
 * What a terminal leaves on screen: npx draws a spinner, then moves to column 1 and clears the
 * line (ESC[1G ESC[0K) before the real output, so only what follows the last such clear stays;
 * curl -i prints header names in bold (ESC[1m … ESC[0m), which changes no text.
 */
function onScreen(raw: string): string {
  return raw
    .replace(/\r+\n/g, '\n')
    .split('\n')
    .map((line) => line.split(`${ESC}[1G${ESC}[0K`).at(-1)!.replace(SGR, ''))
    .join('\n');
}

/** Runs `command` in a pseudo-terminal, as a reader would; resolves with what the terminal shows. */
function run(command: string): Promise<string> {
  return new Promise((resolve) => {
    const script = ['-qec', command.replaceAll('localhost:8888', `localhost:${port}`).replaceAll('localhost:8889', `localhost:${inspectorPort}`), '/dev/null'];
    execFile('script', script, { cwd: root, env }, (_error, stdout) => resolve(onScreen(stdout)));
  });
}

async function stopServer(): Promise<void> {
  if (server === null || server.exitCode !== null || server.signalCode !== null) return;
  const exited = once(server, 'exit');
  process.kill(-server.pid!, 'SIGTERM');
  await exited;
  // npx may exit before the server it started has drained: wait until the group is empty.
  for (let i = 0; i < 100 && groupAlive(server.pid!); i++) await new Promise((r) => setTimeout(r, 50));
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

afterAll(stopServer);

describe('docs/workshop.md', () => {
  const all = steps(guide);

  it('shows commands', () => {
    expect(all.length).toBeGreaterThan(10);
  });

  for (const step of all) {
    it(step.command, async () => {
      const isServer = step.command.startsWith('npx gateway serve') && !step.command.includes('echo');
      let output = isServer ? await startServer(step.command) : await run(step.command);
      if (port !== '') output = output.replaceAll(`:${port}`, ':8888').replaceAll(`port ${port} `, 'port 8888 ');
      if (inspectorPort !== '') output = output.replaceAll(`:${inspectorPort}`, ':8889');
      // SERVER_PORT holds the port alone.
      if (port !== '') output = output.replace(new RegExp(`^(SERVER_PORT:? +)${port}$`, 'gm'), '$18888');
      // A server goes on printing (the access log); the guide shows how it starts.
      const lines = output.replace(/\n$/, '').split('\n');
      const actual = (isServer ? lines.slice(0, step.expected.length) : lines).map(normalise);
      expect(actual.join('\n'), `the guide shows:\n${step.expected.join('\n')}\n--- a run shows ---\n${output}`).toBe(
        step.expected.map(normalise).join('\n'),
      );
    });
  }
});
