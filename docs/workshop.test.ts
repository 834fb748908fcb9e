// Runs every command the workshop shows (lines starting with `$ ` in a sh block), in order, and
// checks that the output the guide prints is what really comes out. Servers are started as
// shown, with PORT=0 in the environment so each gets a free port; `localhost:8888` in the
// commands that follow is pointed at it. Lines that change from run to run (Date, curl's version)
// are not compared.
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

/** `$ command` lines in ```sh blocks, each with the output lines shown under it. */
function steps(markdown: string): Step[] {
  const found: Step[] = [];
  for (const block of markdown.matchAll(/```sh\n([\s\S]*?)```/g)) {
    for (const line of block[1]!.split('\n')) {
      if (line.startsWith('$ ')) found.push({ command: line.slice(2), expected: [] });
      else if (line.trim() !== '' && found.length > 0) found[found.length - 1]!.expected.push(line);
    }
  }
  return found;
}

// Date headers and the compare table's date and time rows change from run to run.
const volatile = (line: string): boolean => /Date:|curl\/|User-Agent|^\s*date \[s\]|^\s*time\s/.test(line);
const env = { ...process.env, PORT: '0', HOST: '127.0.0.1', PATH: `${path.join(root, 'node_modules', '.bin')}:${process.env.PATH}` };

let server: ChildProcess | null = null;
let address = '';

async function startServer(command: string): Promise<string> {
  await stopServer();
  const child = spawn('sh', ['-c', `exec ${command}`], { cwd: root, env });
  server = child;
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d));
  child.stderr!.on('data', (d: Buffer) => (out += d));
  const deadline = Date.now() + 30_000;
  while (!/on http:\/\/(\S+)\//.test(out)) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`server did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  address = /on http:\/\/(\S+)\//.exec(out)![1]!;
  return out;
}

function run(command: string): Promise<string> {
  return new Promise((resolve) => {
    execFile('sh', ['-c', command.replaceAll('localhost:8888', address)], { cwd: root, env }, (_error, stdout, stderr) =>
      resolve(stdout + stderr),
    );
  });
}

async function stopServer(): Promise<void> {
  if (server === null || server.exitCode !== null || server.signalCode !== null) return;
  const exited = once(server, 'exit');
  server.kill('SIGTERM');
  await exited;
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
      output = output.replaceAll(address, 'localhost:8888').replaceAll('127.0.0.1:8888', 'localhost:8888');
      const actual = output.split('\n').map((l) => l.trim());
      for (const line of step.expected.filter((l) => !volatile(l))) {
        const want = line.trim().replaceAll('127.0.0.1:8888', 'localhost:8888');
        expect(actual.some((got) => got.includes(want)), `expected a line containing: ${want}\n--- got ---\n${output}`).toBe(true);
      }
    });
  }
});
