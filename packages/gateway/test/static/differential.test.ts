// serveStatic held to serve-static (send underneath, what `express.static` is): the same files,
// the same raw requests to each, over real sockets, comparing status, the headers that matter and
// the body bytes. serve-static runs with `fallthrough: false`, its mode for an endpoint with
// nothing behind it, which is what a gateway callable is. Every place we answer differently is a
// named difference below, with its reason, and each must still show (or the list is stale).
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import serveStaticLib from 'serve-static';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveStatic } from '../../src/static/serve-static.ts';
import { closeAll, start } from '../helpers.ts';
import { exchange, makeTree } from './_fixture.ts';
import type { Exchange, Tree } from './_fixture.ts';

const COMPARED_HEADERS = [
  'content-type',
  'content-length',
  'content-range',
  'etag',
  'last-modified',
  'accept-ranges',
  'cache-control',
  'location',
  'allow',
] as const;
type Field = 'status' | 'body' | (typeof COMPARED_HEADERS)[number];

/** Each deliberate difference: why, and which fields it lets differ. */
const DIFFERENCES = {
  'text-error-page': {
    why: 'send answers 301 and errors with an HTML page (Express adds its own); we answer with one line of text/plain, so bodies, Content-Type and Content-Length of 301 and 4xx responses are not compared',
    fields: ['body', 'content-type', 'content-length'],
  },
  'parent-segment-404': {
    why: 'send resolves a `..` segment (after decoding): 403 when it climbs out of the root, the file when it stays inside; we refuse every `..` with 404, as every refused path (issue 9), so a probe learns nothing and no path has two spellings',
    fields: ['status', 'body', ...COMPARED_HEADERS],
  },
  'encoded-slash-404': {
    why: 'send decodes %2F to a separator and serves the file; we refuse it (404) so one segment never acts as two, the rule mount() applies to prefixes',
    fields: ['status', 'body', ...COMPARED_HEADERS],
  },
  'symlink-escape-404': {
    why: 'send follows a symlink wherever it leads; we serve only files whose realpath lies inside the root',
    fields: ['status', 'body', ...COMPARED_HEADERS],
  },
} satisfies Record<string, { why: string; fields: readonly Field[] }>;
type DifferenceName = keyof typeof DIFFERENCES;

interface Case {
  name: string;
  method?: string;
  target: string;
  headers?: string[];
  /** A difference beyond the error-page one, which applies by itself to 301 and 4xx. */
  differs?: DifferenceName;
}

function cases(tree: Tree): Case[] {
  const lastModified = tree.mtime.toUTCString();
  const before = new Date(tree.mtime.getTime() - 86_400_000).toUTCString();
  const etag = `W/"${(20).toString(16)}-${tree.mtime.getTime().toString(16)}"`; // a.txt: 20 bytes
  return [
    { name: 'text file', target: '/a.txt' },
    { name: 'HEAD of a file', method: 'HEAD', target: '/a.txt' },
    { name: 'html', target: '/page.html' },
    { name: 'json', target: '/data.json' },
    { name: 'binary', target: '/image.png' },
    { name: 'unknown extension', target: '/unknown.zzz' },
    { name: 'no extension', target: '/noext' },
    { name: 'encoded space in the name', target: '/a%20b.txt' },
    { name: 'empty file', target: '/empty.txt' },
    { name: 'large file', target: '/big.bin' },
    { name: 'query string ignored', target: '/a.txt?v=1' },
    { name: 'dot segment', target: '/dir/./sub.txt' },
    { name: 'double slash', target: '//a.txt' },
    { name: 'symlink inside the root', target: '/link-in.txt' },
    { name: 'missing file', target: '/missing.txt' },
    { name: 'missing directory', target: '/nope/a.txt' },
    { name: 'file with trailing slash', target: '/a.txt/' },
    { name: 'directory index', target: '/dir/' },
    { name: 'HEAD of a directory index', method: 'HEAD', target: '/dir/' },
    { name: 'root index missing', target: '/' },
    { name: 'directory without index', target: '/empty/' },
    { name: 'directory without slash: 301', target: '/dir' },
    { name: 'directory without slash, query kept', target: '/dir?x=1&y=2' },
    { name: 'directory through a symlink, without slash', target: '/link-dir' },
    { name: 'If-None-Match matching: 304', target: '/a.txt', headers: [`If-None-Match: ${etag}`] },
    {
      name: 'If-None-Match in a list: 304',
      target: '/a.txt',
      headers: [`If-None-Match: "x", ${etag}`],
    },
    { name: 'If-None-Match: *', target: '/a.txt', headers: ['If-None-Match: *'] },
    { name: 'If-None-Match other: 200', target: '/a.txt', headers: ['If-None-Match: "other"'] },
    {
      name: 'If-Modified-Since equal: 304',
      target: '/a.txt',
      headers: [`If-Modified-Since: ${lastModified}`],
    },
    {
      name: 'If-Modified-Since earlier: 200',
      target: '/a.txt',
      headers: [`If-Modified-Since: ${before}`],
    },
    {
      name: 'If-Modified-Since not a date',
      target: '/a.txt',
      headers: ['If-Modified-Since: yesterday'],
    },
    {
      name: 'no-cache beats If-None-Match',
      target: '/a.txt',
      headers: [`If-None-Match: ${etag}`, 'Cache-Control: no-cache'],
    },
    {
      name: 'HEAD conditional: 304',
      method: 'HEAD',
      target: '/a.txt',
      headers: [`If-None-Match: ${etag}`],
    },
    { name: 'If-Match matching', target: '/a.txt', headers: [`If-Match: ${etag}`] },
    { name: 'If-Match other: 412', target: '/a.txt', headers: ['If-Match: "other"'] },
    {
      name: 'If-Unmodified-Since earlier: 412',
      target: '/a.txt',
      headers: [`If-Unmodified-Since: ${before}`],
    },
    { name: 'range: first bytes', target: '/a.txt', headers: ['Range: bytes=0-4'] },
    { name: 'range: open end', target: '/a.txt', headers: ['Range: bytes=6-'] },
    { name: 'range: suffix', target: '/a.txt', headers: ['Range: bytes=-6'] },
    { name: 'range: end past the size', target: '/a.txt', headers: ['Range: bytes=10-999'] },
    {
      name: 'range in a large file',
      target: '/big.bin',
      headers: ['Range: bytes=1000000-1000999'],
    },
    { name: 'range: unsatisfiable 416', target: '/a.txt', headers: ['Range: bytes=999-'] },
    { name: 'range on an empty file: 416', target: '/empty.txt', headers: ['Range: bytes=0-0'] },
    { name: 'range: two parts, whole file', target: '/a.txt', headers: ['Range: bytes=0-1,5-6'] },
    {
      name: 'range: overlapping parts combine',
      target: '/a.txt',
      headers: ['Range: bytes=0-3,2-5'],
    },
    { name: 'range: malformed, whole file', target: '/a.txt', headers: ['Range: bytes=x-y'] },
    { name: 'range: other unit ignored', target: '/a.txt', headers: ['Range: items=0-1'] },
    {
      name: 'range with If-Range ETag matching',
      target: '/a.txt',
      headers: ['Range: bytes=0-4', `If-Range: ${etag}`],
    },
    {
      name: 'range with If-Range ETag stale',
      target: '/a.txt',
      headers: ['Range: bytes=0-4', 'If-Range: "old"'],
    },
    {
      name: 'range with If-Range date stale',
      target: '/a.txt',
      headers: ['Range: bytes=0-4', `If-Range: ${before}`],
    },
    { name: 'HEAD with a range', method: 'HEAD', target: '/a.txt', headers: ['Range: bytes=0-4'] },
    { name: 'POST: 405', method: 'POST', target: '/a.txt' },
    { name: 'DELETE: 405', method: 'DELETE', target: '/dir/' },
    { name: 'dotfile', target: '/.secret' },
    { name: 'file in a dot-directory', target: '/.hidden/x.txt' },
    { name: 'NUL', target: '/a.txt%00' },
    { name: 'overlong UTF-8', target: '/%c0%ae%c0%ae/secret.txt' },
    { name: 'traversal', target: '/../secret.txt', differs: 'parent-segment-404' },
    { name: 'encoded traversal', target: '/%2e%2e/secret.txt', differs: 'parent-segment-404' },
    { name: 'parent staying inside', target: '/dir/../a.txt', differs: 'parent-segment-404' },
    {
      name: 'encoded parent staying inside',
      target: '/dir/%2e%2e/a.txt',
      differs: 'parent-segment-404',
    },
    { name: 'encoded slash', target: '/dir%2fsub.txt', differs: 'encoded-slash-404' },
    { name: 'symlink out of the root', target: '/link-out.txt', differs: 'symlink-escape-404' },
  ];
}

function isPageAnswer(status: number): boolean {
  return status === 301 || status >= 400;
}

/** The fields where the two answers differ. */
function differingFields(ours: Exchange, theirs: Exchange): Field[] {
  const out: Field[] = [];
  if (ours.status !== theirs.status) out.push('status');
  for (const name of COMPARED_HEADERS) {
    if (JSON.stringify(ours.headers.get(name)) !== JSON.stringify(theirs.headers.get(name)))
      out.push(name);
  }
  if (!ours.body.equals(theirs.body)) out.push('body');
  return out;
}

describe('serveStatic answers as serve-static does, but where named', () => {
  let tree: Tree;
  let ourPort: number;
  let theirs: http.Server;
  let theirPort: number;
  const report: string[] = [];

  beforeAll(async () => {
    tree = makeTree();
    ourPort = (await start(serveStatic(tree.root))).port;
    const middleware = serveStaticLib(tree.root, { fallthrough: false });
    // What runs after serve-static when it passes an error on: the status and the error's headers.
    theirs = http.createServer((req, res) =>
      middleware(req, res, (error) => {
        res.statusCode = error?.statusCode ?? 404;
        for (const [name, value] of Object.entries(error?.headers ?? {}))
          res.setHeader(name, value);
        res.end(http.STATUS_CODES[res.statusCode]);
      }),
    );
    await new Promise<void>((resolve) => theirs.listen(0, '127.0.0.1', resolve));
    theirPort = (theirs.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await closeAll();
    await new Promise((resolve) => theirs.close(resolve));
    tree.remove();
    console.log(
      `static differential, ${report.length} cases (ours | serve-static):\n${report.join('\n')}`,
    );
  });

  it('sends every case to both and finds no difference that is not named', async () => {
    const seen = new Set<DifferenceName>();
    const list = cases(tree);
    expect(list.length).toBeGreaterThanOrEqual(50);
    for (const c of list) {
      const method = c.method ?? 'GET';
      const ours = await exchange(ourPort, method, c.target, c.headers);
      const them = await exchange(theirPort, method, c.target, c.headers);
      const names: DifferenceName[] = [];
      if (c.differs) names.push(c.differs);
      if (isPageAnswer(ours.status) || isPageAnswer(them.status)) names.push('text-error-page');
      const allowed = new Set<Field>(names.flatMap((n) => DIFFERENCES[n].fields));
      const fields = differingFields(ours, them);
      const shown = names.filter((n) => DIFFERENCES[n].fields.some((f) => fields.includes(f)));
      for (const n of shown) seen.add(n);
      report.push(
        `${String(ours.status).padEnd(3)} | ${String(them.status).padEnd(3)}  ${method.padEnd(6)} ${c.target.padEnd(28)} ${c.name}${shown.length ? `  [${shown.join(', ')}]` : ''}`,
      );
      expect({ case: c.name, unnamed: fields.filter((f) => !allowed.has(f)) }).toEqual({
        case: c.name,
        unnamed: [],
      });
      if (c.differs)
        expect({ case: c.name, shows: shown.includes(c.differs) }).toEqual({
          case: c.name,
          shows: true,
        });
    }
    // Every named difference still shows somewhere; one that no longer does should be deleted.
    expect([...seen].sort()).toEqual(Object.keys(DIFFERENCES).sort());
  });

  it('lists every named difference in SECURITY.md', () => {
    const security = readFileSync(new URL('../../SECURITY.md', import.meta.url), 'utf8');
    for (const name of Object.keys(DIFFERENCES))
      expect({ name, listed: security.includes(`| \`${name}\` |`) }).toEqual({
        name,
        listed: true,
      });
  });
});
