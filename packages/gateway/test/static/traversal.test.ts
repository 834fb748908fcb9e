// serveStatic against paths that try to leave the root, sent over a real socket byte for byte
// (fetch and URL would normalize `..` away before it left the client). Each must get its status,
// the secret beside the root must never appear, and the server must keep serving. The table of
// paths and answers is printed for SECURITY.md and the closing note.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mount } from '../../src/compose/mount.ts';
import { serveStatic } from '../../src/static/serve-static.ts';
import type { App } from '../../src/types.ts';
import { closeAll, start } from '../helpers.ts';
import { exchange, makeTree } from './_fixture.ts';
import type { Tree } from './_fixture.ts';

// [target as sent, expected status, what it tries]
const ATTEMPTS: Array<[string, number, string]> = [
  ['/../secret.txt', 404, 'plain parent segment'],
  ['/./../secret.txt', 404, 'dot, then parent'],
  ['/dir/../../secret.txt', 404, 'down one, up two'],
  ['/dir/./../../secret.txt', 404, 'dot inside a climb'],
  ['/' + '../'.repeat(20) + 'etc/passwd', 404, 'twenty parents to /etc/passwd'],
  ['/..', 404, 'bare parent'],
  ['/dir/..', 404, 'parent at the end'],
  ['/%2e%2e/secret.txt', 404, 'encoded dots'],
  ['/%2E%2E/secret.txt', 404, 'encoded dots, upper case'],
  ['/.%2e/secret.txt', 404, 'half-encoded dots'],
  ['/%2e./secret.txt', 404, 'half-encoded dots, other half'],
  ['/%2e%2e', 404, 'encoded bare parent'],
  ['/dir/%2e%2e/%2e%2e/secret.txt', 404, 'encoded climb'],
  ['/..%2fsecret.txt', 404, 'encoded slash after parent'],
  ['/%2e%2e%2fsecret.txt', 404, 'all encoded'],
  ['/dir/..%2f..%2fsecret.txt', 404, 'encoded slashes in a climb'],
  ['/dir%2f..%2f..%2fsecret.txt', 404, 'one segment made of encoded slashes'],
  ['/%2fetc%2fpasswd', 404, 'encoded absolute path'],
  ['//etc/passwd', 404, 'absolute path (collapses to root/etc/passwd)'],
  ['/..%5csecret.txt', 404, 'encoded backslash'],
  ['/%5c..%5csecret.txt', 404, 'encoded backslashes around parent'],
  ['/%2e%2e%5c%2e%2e%5csecret.txt', 404, 'encoded dots and backslashes'],
  ['/..\\secret.txt', 404, 'raw backslash'],
  ['/dir\\..\\..\\secret.txt', 404, 'raw backslashes in a climb'],
  ['/%00', 400, 'NUL'],
  ['/a.txt%00.html', 400, 'NUL before an extension'],
  ['/%c0%ae%c0%ae/secret.txt', 400, 'overlong UTF-8 dots'],
  ['/%c0%ae%c0%ae%c0%afsecret.txt', 400, 'overlong dots and slash'],
  ['/%e0%80%ae%e0%80%ae/secret.txt', 400, 'three-byte overlong dots'],
  ['/..%c0%afsecret.txt', 400, 'overlong slash'],
  ['/%u002e%u002e/secret.txt', 400, 'IIS-style %u escapes'],
  ['/%25%32%65%25%32%65/secret.txt', 404, 'double-encoded dots (a literal name)'],
  ['/%ef%bc%8e%ef%bc%8e/secret.txt', 404, 'fullwidth dots (a literal name)'],
  ['/..;/secret.txt', 404, 'Tomcat-style parent with parameter'],
  ['/link-out.txt', 404, 'symlink to a file outside'],
  ['/link-absolute.txt', 404, 'symlink with an absolute target outside'],
  ['/link-up/secret.txt', 404, 'symlinked directory pointing up'],
  ['/link-sibling.txt', 404, 'symlink into a sibling whose name starts like the root'],
  ['/link-out.txt/', 404, 'outside symlink with trailing slash'],
  ['/.secret', 404, 'dotfile'],
  ['/%2esecret', 404, 'encoded dotfile'],
  ['/.hidden/x.txt', 404, 'file in a dot-directory'],
  ['http://test/../secret.txt', 404, 'absolute-form target with a parent'],
  ['http://test/%2e%2e/secret.txt', 404, 'absolute-form target, encoded'],
];

describe('serveStatic refuses every path that leaves the root (real socket)', () => {
  let tree: Tree;
  let port: number;
  const table: string[] = [];

  beforeAll(async () => {
    tree = makeTree();
    port = (await start(serveStatic(tree.root))).port;
  });
  afterAll(async () => {
    await closeAll();
    tree.remove();
    console.log(`serveStatic traversal attempts (${table.length}):\n${table.join('\n')}`);
  });

  it(`tries ${ATTEMPTS.length} paths: each gets its status and nothing from outside the root`, async () => {
    expect(ATTEMPTS.length).toBeGreaterThanOrEqual(30);
    for (const [target, expected, what] of ATTEMPTS) {
      const answer = await exchange(port, 'GET', target);
      table.push(`${String(answer.status).padEnd(4)} ${target.padEnd(40)} ${what}`);
      expect({ target, status: answer.status }).toEqual({ target, status: expected });
      expect(answer.raw).not.toContain(tree.secret);
      expect(answer.raw).not.toMatch(/root:.*:0:0:/);
    }
  });

  it('still serves ordinary files afterwards, and the same file through a symlink inside the root', async () => {
    for (const target of ['/a.txt', '/link-in.txt', '/link-dir/sub.txt', '/link-up/root/a.txt']) {
      const answer = await exchange(port, 'GET', target);
      expect({ target, status: answer.status }).toEqual({ target, status: 200 });
    }
  });
});

describe('serveStatic mounted at /static beside another app, the same paths below the prefix', () => {
  let tree: Tree;
  let port: number;
  beforeAll(async () => {
    tree = makeTree();
    const app: App = (_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return ['the app beside'];
    };
    port = (await start(mount({ '/static': serveStatic(tree.root), '/app': app }))).port;
  });
  afterAll(async () => {
    await closeAll();
    tree.remove();
  });

  it('gives each origin-form path the status it gets at the root, and nothing from outside', async () => {
    for (const [target, expected] of ATTEMPTS.filter(([t]) => t.startsWith('/'))) {
      const answer = await exchange(port, 'GET', `/static${target}`);
      expect({ target, status: answer.status }).toEqual({ target, status: expected });
      expect(answer.raw).not.toContain(tree.secret);
      expect(answer.raw).not.toContain('the app beside');
    }
  });
});
