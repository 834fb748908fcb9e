// A temporary tree for the static-file tests: a root to serve, with a secret file beside it (and
// in a sibling directory whose name starts like the root's) that no request may ever read, plus
// symlinks that lead inside and outside the root. `exchange` sends one request over a raw socket,
// exactly as written, and parses the answer.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { RawClient, parseResponses } from '../helpers.ts';
import type { ParsedResponse } from '../helpers.ts';

export interface Tree {
  /** The directory to serve. */
  root: string;
  /** Text of the secret files outside the root; must never appear in a response. */
  secret: string;
  /** The mtime every file has, so Last-Modified is predictable. */
  mtime: Date;
  remove(): void;
}

export function makeTree(): Tree {
  const base = mkdtempSync(path.join(tmpdir(), 'gateway-static-'));
  const root = path.join(base, 'root');
  const secret = `TOP-SECRET-${randomUUID()}`;
  const files: Record<string, string | Buffer> = {
    'a.txt': 'hello, static world\n',
    'page.html': '<!doctype html><title>page</title><p>hi</p>\n',
    'data.json': '{"ok":true}\n',
    'image.png': Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
    'unknown.zzz': 'no known type\n',
    noext: 'no extension\n',
    'a b.txt': 'a name with a space\n',
    'empty.txt': '',
    'big.bin': randomBytes(3 * 1024 * 1024),
    'dir/index.html': '<!doctype html><title>dir</title><a href="sub.txt">sub</a>\n',
    'dir/sub.txt': 'below dir\n',
    'empty/.keep': '',
    '.secret': `dotfile ${secret}\n`,
    '.hidden/x.txt': `hidden ${secret}\n`,
  };
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(root, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  writeFileSync(path.join(base, 'secret.txt'), `${secret}\n`);
  // Shares the root's name as a prefix: a containment check by string prefix alone would let it in.
  mkdirSync(path.join(base, 'root-evil'));
  writeFileSync(path.join(base, 'root-evil', 'secret.txt'), `${secret}\n`);
  symlinkSync('a.txt', path.join(root, 'link-in.txt'));
  symlinkSync('dir', path.join(root, 'link-dir'));
  symlinkSync('../secret.txt', path.join(root, 'link-out.txt'));
  symlinkSync('..', path.join(root, 'link-up'));
  symlinkSync('../root-evil/secret.txt', path.join(root, 'link-sibling.txt'));
  symlinkSync(path.join(base, 'secret.txt'), path.join(root, 'link-absolute.txt'));
  const mtime = new Date('2024-05-06T07:08:09Z');
  for (const name of [...Object.keys(files), 'link-in.txt'])
    utimesSync(path.join(root, name), mtime, mtime);
  return { root, secret, mtime, remove: () => rmSync(base, { recursive: true, force: true }) };
}

export interface Exchange extends ParsedResponse {
  /** Every byte the server sent, as latin-1. */
  raw: string;
}

/** Sends one request with `Connection: close` over a fresh socket and reads the whole answer. */
export async function exchange(
  port: number,
  method: string,
  target: string,
  headers: string[] = [],
): Promise<Exchange> {
  const client = await RawClient.connect(port);
  try {
    await client.write(
      [`${method} ${target} HTTP/1.1`, 'Host: test', 'Connection: close', ...headers, '', ''].join(
        '\r\n',
      ),
    );
    const raw = await client.waitForEnd();
    const [response] = parseResponses(raw, method === 'HEAD' ? new Set([0]) : new Set());
    if (response === undefined)
      throw new Error(`no complete response to ${method} ${target}: ${JSON.stringify(raw)}`);
    return { ...response, raw };
  } finally {
    client.close();
  }
}
