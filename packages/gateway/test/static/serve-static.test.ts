// serveStatic's own behaviour beyond what the differential compares: its options, mounting under
// a prefix (SCRIPT_NAME), and streaming: the body is the file's ReadStream, read a chunk at a
// time, closed when the server stops early, and held back by a client that does not read.
import { writeFileSync, truncateSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mount } from '../../src/compose/mount.ts';
import { serveStatic } from '../../src/static/serve-static.ts';
import type { StaticOptions } from '../../src/static/serve-static.ts';
import { callApp, makeEnviron } from '../../src/testing/testing.ts';
import type { Body, HeaderList } from '../../src/types.ts';
import { closeAll, sleep, start } from '../helpers.ts';
import { exchange, makeTree } from './_fixture.ts';
import type { Tree } from './_fixture.ts';

let tree: Tree;
beforeAll(() => {
  tree = makeTree();
});
afterAll(() => tree.remove());
afterEach(closeAll);

function header(headers: HeaderList, name: string): string | undefined {
  return headers.find(([n]) => n.toLowerCase() === name)?.[1];
}

async function get(options: StaticOptions, target: string, headers: Record<string, string> = {}) {
  const [pathInfo = '', query = ''] = target.split('?');
  return callApp(
    serveStatic(tree.root, options),
    { PATH_INFO: decodeURIComponent(pathInfo), QUERY_STRING: query, REQUEST_URI: target },
    { headers },
  );
}

describe('serveStatic: creating it', () => {
  it('throws at once, with what to fix, for a root that is missing or not a directory', () => {
    expect(() => serveStatic(path.join(tree.root, 'no-such-dir'))).toThrow(
      /root ".*no-such-dir" does not exist/,
    );
    expect(() => serveStatic(path.join(tree.root, 'a.txt'))).toThrow(/is not a directory/);
    expect(() => serveStatic('')).toThrow(/root must be a directory path/);
  });

  it('throws for options out of range', () => {
    expect(() => serveStatic(tree.root, { dotfiles: 'hide' as never })).toThrow(/dotfiles must be/);
    expect(() => serveStatic(tree.root, { maxAge: -1 })).toThrow(/maxAge must be/);
    expect(() => serveStatic(tree.root, { maxAge: Number.NaN })).toThrow(/maxAge must be/);
    expect(() => serveStatic(tree.root, { index: ['../a.txt'] })).toThrow(
      /index must be file names/,
    );
  });
});

describe('serveStatic: options', () => {
  it('index: a list, first file found wins; false turns directories into 404', async () => {
    expect((await get({ index: ['missing.html', 'sub.txt'] }, '/dir/')).text).toBe('below dir\n');
    expect((await get({ index: false }, '/dir/')).statusCode).toBe(404);
  });

  it("dotfiles: 'allow' serves them, 'deny' answers 403", async () => {
    expect((await get({ dotfiles: 'allow' }, '/.secret')).text).toContain('dotfile');
    expect((await get({ dotfiles: 'deny' }, '/.secret')).statusCode).toBe(403);
  });

  it('redirect: false answers 404 for a directory without its slash', async () => {
    expect((await get({ redirect: false }, '/dir')).statusCode).toBe(404);
  });

  it('maxAge (ms, capped at a year) and immutable shape Cache-Control; cacheControl: false drops it', async () => {
    expect(
      header((await get({ maxAge: 90_500, immutable: true }, '/a.txt')).headers, 'cache-control'),
    ).toBe('public, max-age=90, immutable');
    expect(header((await get({ maxAge: 1e15 }, '/a.txt')).headers, 'cache-control')).toBe(
      'public, max-age=31536000',
    );
    expect(
      header((await get({ cacheControl: false }, '/a.txt')).headers, 'cache-control'),
    ).toBeUndefined();
  });

  it('etag, lastModified and acceptRanges: false leave those out, and a Range is then ignored', async () => {
    const off = await get({ etag: false, lastModified: false, acceptRanges: false }, '/a.txt', {
      Range: 'bytes=0-1',
    });
    expect(off.statusCode).toBe(200);
    expect(off.headers.map(([n]) => n)).toEqual([
      'Cache-Control',
      'Content-Type',
      'Content-Length',
    ]);
    // Without an ETag, the tag the file would have had no longer matches: the file is sent.
    const tag = header((await get({}, '/a.txt')).headers, 'etag') ?? '';
    expect((await get({}, '/a.txt', { 'If-None-Match': tag })).statusCode).toBe(304);
    expect((await get({ etag: false }, '/a.txt', { 'If-None-Match': tag })).statusCode).toBe(200);
  });
});

describe('serveStatic: mounted under a prefix', () => {
  it('serves the path below SCRIPT_NAME and keeps SCRIPT_NAME in its redirects', async () => {
    const { port } = await start(mount({ '/static': serveStatic(tree.root) }));
    expect((await exchange(port, 'GET', '/static/a.txt')).body.toString()).toBe(
      'hello, static world\n',
    );
    expect((await exchange(port, 'GET', '/static/dir/')).status).toBe(200);
    const dir = await exchange(port, 'GET', '/static/dir?q=1');
    expect([dir.status, dir.headers.get('location')]).toEqual([301, ['/static/dir/?q=1']]);
    const mountPoint = await exchange(port, 'GET', '/static');
    expect([mountPoint.status, mountPoint.headers.get('location')]).toEqual([301, ['/static/']]);
    expect((await exchange(port, 'GET', '/static/%2e%2e/secret.txt')).status).toBe(404);
    expect((await exchange(port, 'GET', '/static/../secret.txt')).status).toBe(404);
  });

  it('never writes a Location that leaves the site: leading slashes collapse to one', async () => {
    const { port } = await start(serveStatic(tree.root));
    const answer = await exchange(port, 'GET', '//dir');
    expect([answer.status, answer.headers.get('location')]).toEqual([301, ['/dir/']]);
  });
});

describe('serveStatic: streaming', () => {
  it('returns a ReadStream that reads a chunk at a time, not the whole file, and closes on return()', async () => {
    const app = serveStatic(tree.root);
    const body = (await app(
      makeEnviron({ PATH_INFO: '/big.bin', REQUEST_URI: '/big.bin' }),
      () => async () => {},
    )) as Body;
    expect(body).toBeInstanceOf(Readable);
    const stream = body as Readable & { bytesRead: number };
    const iterator = stream[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.done).toBe(false);
    expect(stream.bytesRead).toBeLessThanOrEqual(256 * 1024); // of 3 MiB
    await iterator.return?.();
    expect(stream.destroyed).toBe(true);
  });

  it('is held back by a client that does not read, then sends every byte when it does', async () => {
    const size = 32 * 1024 * 1024;
    const file = path.join(tree.root, 'huge.bin');
    writeFileSync(file, '');
    truncateSync(file, size); // sparse: costs no disk
    let stream: (Readable & { bytesRead: number }) | undefined;
    const app = serveStatic(tree.root);
    const { port } = await start(async (environ, startResponse) => {
      const body = await app(environ, startResponse);
      stream = body as Readable & { bytesRead: number };
      return body;
    });
    // Counts bytes rather than keeping them: 32 MiB of text would make the test its own bottleneck.
    const socket = net.connect({ port, host: '127.0.0.1' });
    let received = 0;
    const ended = new Promise<void>((resolve) => socket.on('end', resolve));
    socket.on('data', (chunk: Buffer) => void (received += chunk.length));
    socket.pause();
    socket.write('GET /huge.bin HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n');
    await sleep(300);
    expect(stream).toBeDefined();
    expect(stream!.bytesRead).toBeLessThan(size / 2);
    socket.resume();
    await ended;
    socket.destroy();
    expect(received).toBeGreaterThan(size);
    expect(stream!.bytesRead).toBe(size);
  });
});
