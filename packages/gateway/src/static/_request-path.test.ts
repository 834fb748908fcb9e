// Unit tests for the two steps that turn a request into names under the root: which raw path is
// used (REQUEST_URI at the root, PATH_INFO re-encoded otherwise) and how its segments are checked.
import { describe, expect, it } from 'vitest';
import { makeEnviron } from '../testing/testing.ts';
import { pathBelowMount as rawPathBelowMount } from '../http/mount-path.ts';
import { parseRequestPath } from './_request-path.ts';

describe('the path below the mount, as serveStatic reads it (http/mount-path.ts)', () => {
  it('at the root, takes the raw path of REQUEST_URI, encoding kept, query and authority dropped', () => {
    const at = (uri: string, pathInfo: string) =>
      rawPathBelowMount(makeEnviron({ REQUEST_URI: uri, PATH_INFO: pathInfo }));
    expect(at('/a%2Fb.txt?x=1', '/a/b.txt')).toBe('/a%2Fb.txt');
    expect(at('/%c0%ae', '/%c0%ae')).toBe('/%c0%ae'); // not UTF-8: PATH_INFO is left as sent
    expect(at('http://h:8/%2e%2e/x?q', '/../x')).toBe('/%2e%2e/x');
    expect(at('http://h', '/')).toBe('/');
  });

  it('under a mount, the raw rest; PATH_INFO re-encoded when a middleware rewrote it', () => {
    const mounted = makeEnviron({
      SCRIPT_NAME: '/s',
      PATH_INFO: '/a b/100%.txt',
      REQUEST_URI: '/s/a%20b/100%25.txt',
    });
    expect(rawPathBelowMount(mounted)).toBe('/a%20b/100%25.txt');
    const rewritten = makeEnviron({ PATH_INFO: '/other.txt', REQUEST_URI: '/a.txt' });
    expect(rawPathBelowMount(rewritten)).toBe('/other.txt');
    const lone = makeEnviron({ SCRIPT_NAME: '/s', PATH_INFO: '/\ud800', REQUEST_URI: '/s/x' });
    expect(rawPathBelowMount(lone)).toBe('/%EF%BF%BD');
  });
});

describe('parseRequestPath', () => {
  it('collapses empty and `.` segments and notes a trailing slash', () => {
    expect(parseRequestPath('//a/./b%20c/', 'ignore')).toEqual({
      kind: 'names',
      names: ['a', 'b c'],
      directory: true,
    });
    expect(parseRequestPath('/', 'ignore')).toEqual({ kind: 'names', names: [], directory: true });
    expect(parseRequestPath('', 'ignore')).toEqual({ kind: 'mount-point' });
  });

  it.each([
    ['/a/../b', 404],
    ['/%2e%2e', 404],
    ['/a%2fb', 404],
    ['/a%5Cb', 404],
    ['/a\\b', 404],
    ['/.env', 404],
    ['/%00', 400],
    ['/%c0%ae', 400],
    ['*', 404],
  ])('refuses %s with %i', (raw, status) => {
    expect(parseRequestPath(raw, 'ignore')).toMatchObject({ kind: 'refused', status });
  });

  it("applies the dotfile policy: 'deny' is 403, 'allow' lets the name through", () => {
    expect(parseRequestPath('/.env', 'deny')).toMatchObject({ kind: 'refused', status: 403 });
    expect(parseRequestPath('/.well-known/x', 'allow')).toMatchObject({
      kind: 'names',
      names: ['.well-known', 'x'],
    });
  });
});
