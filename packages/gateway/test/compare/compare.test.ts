// `gateway compare`: its arguments, the rows it builds, the table it prints, and whole runs of the
// command against the demo apps of this checkout over real sockets.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCompare } from '../../src/compare/command.ts';
import { rowsOf } from '../../src/compare/compare.ts';
import type { Answer } from '../../src/compare/exchange.ts';
import { renderComparison } from '../../src/compare/render.ts';
import { UsageError } from '../../src/cli/load-app.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const bin = path.join(here, '..', '..', 'bin', 'gateway.mjs');
const root = path.join(here, '..', '..', '..', '..');

function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [bin, ...args], { cwd: root, env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d));
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  return once(child, 'exit').then(([code]) => ({ code: code as number | null, stdout, stderr }));
}

function answer(name: string, headers: Array<[string, string]>, body = 'hi', status = 200): Answer {
  return { name, url: `http://h/${name}`, status, reason: 'OK', headers, body: Buffer.from(body), raw: Buffer.alloc(0), ms: 1.5 };
}

describe('parseCompare', () => {
  it('reads a method, a path, a body and header fields; the method defaults to GET, or POST with a body', () => {
    expect(parseCompare(['GET', '/hello'], {})).toMatchObject({ request: { method: 'GET', path: '/hello', headers: [] }, output: 'table' });
    expect(parseCompare(['/hello'], {})).toMatchObject({ request: { method: 'GET' } });
    const post = parseCompare(['/echo', '-d', 'hi', '-H', 'Content-Type: text/plain'], {});
    expect(post).toMatchObject({ request: { method: 'POST', headers: [['Content-Type', 'text/plain']] } });
    expect(post !== 'help' && Buffer.from(post.request!.body!).toString()).toBe('hi');
  });

  it('takes named mounts and --serve with a port', () => {
    expect(parseCompare(['GET', '/x', '/a=./a.ts'], {})).toMatchObject({ mounts: [{ prefix: '/a', source: { kind: 'app', spec: './a.ts' } }] });
    expect(parseCompare(['--serve', '--port', '0'], {})).toMatchObject({ request: undefined, serve: { port: 0 } });
  });

  it.each([
    [[], /needs a path/],
    [['GET', 'hello'], /needs a path starting with "\/"/],
    [['/x', '-H', 'nocolon'], /is not a header field/],
    [['/x', '/a=./a.ts', '/a=./b.ts'], /two things are mounted at "\/a"/],
    [['/x', '/a/=./a.ts'], /must not end with "\/"/],
    [['/x', 'stray'], /unexpected argument "stray"/],
    [['/x', '--json', '--raw'], /cannot be used together/],
    [['/x', '--port', '1'], /--host and --port are for --serve/],
    [['/x', '-d', '@/no/such/file'], /no such file/],
    [['/x', '--static', '/=/no/such/folder'], /does not exist/],
  ])('%j is a usage error', (args, message) => {
    expect(() => parseCompare(args, {})).toThrow(UsageError);
    expect(() => parseCompare(args, {})).toThrow(message);
  });
});

describe('rows and the table', () => {
  const answers = [
    answer('bare', [['Content-Type', 'text/plain'], ['Set-Cookie', 'a=1'], ['Set-Cookie', 'b=2'], ['Date', 'x']]),
    answer('express', [['Content-Type', 'text/html'], ['Set-Cookie', 'a=1'], ['Set-Cookie', 'b=2'], ['X-Powered-By', 'Express'], ['Date', 'y']]),
  ];

  it('gives each repeat of a field its own row and marks what differs', () => {
    const rows = rowsOf(answers);
    const byLabel = new Map(rows.map((r) => [r.label, r]));
    expect(byLabel.get('set-cookie')).toMatchObject({ values: ['a=1', 'a=1'], differs: false });
    expect(byLabel.get('set-cookie #2')).toMatchObject({ values: ['b=2', 'b=2'], differs: false });
    expect(byLabel.get('content-type')).toMatchObject({ differs: true, origin: 'app' });
    expect(byLabel.get('x-powered-by')).toMatchObject({ values: [undefined, 'Express'], differs: true });
    expect(byLabel.get('date')).toMatchObject({ origin: 'server', differs: false });
    expect(byLabel.get('body')).toMatchObject({ differs: false });
  });

  it('fits 80 columns, uses no colour unless asked, and shows control characters escaped', () => {
    const hostile = [answer('a', [['X-Long', 'v'.repeat(200)], ['X-Evil', '\u001b[31mred']]), answer('b', [['X-Long', 'w'.repeat(200)]])];
    const text = renderComparison({ request: { method: 'GET', path: '/x', headers: [] }, answers: hostile, rows: rowsOf(hostile) }, { width: 80, color: false });
    for (const line of text.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
    expect(text).not.toContain('\u001b');
    expect(text).toContain('\\x1b[31mred');
    expect(text).toContain('long values cut to fit');
    const colored = renderComparison({ request: { method: 'GET', path: '/x', headers: [] }, answers: hostile, rows: rowsOf(hostile) }, { width: 80, color: true });
    expect(colored).toContain('\u001b[33m');
  });
});

describe('the compare command, over the demo apps', () => {
  it('sends one request to every app in apps/ and keeps two Set-Cookie fields two', async () => {
    const { code, stdout } = await run(['compare', 'GET', '/cookies', '--json']);
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as { answers: Array<{ name: string; status: number; headers: Array<[string, string]> }> };
    expect(result.answers.map((a) => a.name)).toEqual(['bare', 'express', 'fastify', 'hono']);
    for (const a of result.answers) {
      expect(a.status, a.name).toBe(200);
      expect(a.headers.filter(([n]) => n.toLowerCase() === 'set-cookie').length, a.name).toBe(2);
    }
  }, 60_000);

  it('prints a table of 80 columns at most when stdout is not a terminal', async () => {
    const { code, stdout } = await run(['compare', 'POST', '/echo', '-d', 'hi', '-H', 'Content-Type: text/plain'], { NO_COLOR: '1' });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^POST \/echo → 4 apps/);
    expect(stdout).toMatch(/^ {2}body +2 B "hi" +2 B "hi" +2 B "hi" +2 B "hi"$/m);
    for (const line of stdout.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
  }, 60_000);

  it('--native puts each framework’s own server beside its gateway column', async () => {
    const { code, stdout } = await run(['compare', 'GET', '/hello', '--native', '--json']);
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as { answers: Array<{ name: string; status: number; bodyBase64: string }> };
    expect(result.answers.map((a) => a.name)).toEqual(['bare', 'express', 'express (native)', 'fastify', 'fastify (native)', 'hono', 'hono (native)']);
    const body = (name: string): string => Buffer.from(result.answers.find((a) => a.name === name)!.bodyBase64, 'base64').toString();
    for (const framework of ['express', 'fastify', 'hono']) expect(body(`${framework} (native)`)).toBe(body(framework));
  }, 90_000);

  it('--raw shows the bytes as received, CR and LF visible', async () => {
    const { stdout } = await run(['compare', 'HEAD', '/hello', '--raw', '/bare=./apps/app-bare/src/app.ts']);
    expect(stdout).toContain('HTTP/1.1 200 OK\\r\\n');
    expect(stdout).toMatch(/^Server: gateway-interop[^\n]*\\r\\n$/m);
  }, 60_000);

  it('--serve keeps every app on one port with an index page, and drains on Ctrl-C', async () => {
    const child = spawn(process.execPath, [bin, 'compare', '--serve', '--port', '0'], { cwd: root, env: { ...process.env, HOST: '127.0.0.1' } });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    try {
      while (!/the index is (http:\/\/\S+)\/ [^]*hono\/hello/.test(stdout)) await once(child.stdout, 'data');
      const url = /the index is (http:\/\/\S+)\//.exec(stdout)![1]!;
      const index = await fetch(`${url}/`);
      expect(index.headers.get('content-security-policy')).toMatch(/^default-src 'none'; style-src 'sha256-/);
      const html = await index.text();
      for (const name of ['bare', 'express', 'fastify', 'hono']) expect(html).toContain(`<a href="/${name}/hello">`);
      expect(await (await fetch(`${url}/fastify/hello`)).text()).toBe('Hello world from Fastify!');
      child.kill('SIGINT');
      const [code] = await once(child, 'exit');
      expect(code).toBe(0);
      expect(stdout).toContain('gateway: drained and stopped');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 60_000);

  it('a bad argument is one line and exit code 2', async () => {
    const { code, stdout, stderr } = await run(['compare', 'GET', 'hello']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^gateway: compare needs a path/);
  });
});
