// SPEC 7.2, the path below a mount point: one definition, read back against REQUEST_URI.
import { describe, expect, it } from 'vitest';
import { makeEnviron } from '../testing/testing.ts';
import { decodePath, encodePath, pathBelowMount, rawPathBelowMount, rawPathOf, stripSegments, targetBelowMount } from './mount-path.ts';

describe('encodePath and decodePath', () => {
  it('keeps pchars, encodes the rest as UTF-8, and round-trips', () => {
    expect(encodePath("/a-b_c.d~e!$&'()*+,;=:@/")).toBe("/a-b_c.d~e!$&'()*+,;=:@/");
    expect(encodePath('/ü ?#%')).toBe('/%C3%BC%20%3F%23%25');
    expect(decodePath(encodePath('/ü ?#%'))).toBe('/ü ?#%');
    expect(encodePath('/\ud800')).toBe('/%EF%BF%BD');
  });

  it('leaves a path with invalid UTF-8 as sent', () => {
    expect(decodePath('/%c0%ae')).toBe('/%c0%ae');
    expect(decodePath('/%zz')).toBe('/%zz');
  });
});

describe('rawPathOf', () => {
  it('takes the path of origin-form, absolute-form and asterisk-form targets', () => {
    expect(rawPathOf('/a%20b?x=1')).toBe('/a%20b');
    expect(rawPathOf('http://example.com/p?q')).toBe('/p');
    expect(rawPathOf('http://example.com')).toBe('/');
    expect(rawPathOf('*')).toBe('*');
  });
});

describe('stripSegments', () => {
  it('matches whole segments only', () => {
    expect(stripSegments('/api/users', ['api'])).toBe('/users');
    expect(stripSegments('/api', ['api'])).toBe('');
    expect(stripSegments('/api/', ['api'])).toBe('/');
    expect(stripSegments('/apis/users', ['api'])).toBeUndefined();
    expect(stripSegments('/a/b/c', ['a', 'b'])).toBe('/c');
  });

  it('decodes each raw segment on its own, so an encoded slash or dot segment stays data', () => {
    expect(stripSegments('/%61pi/x', ['api'])).toBe('/x');
    expect(stripSegments('/api%2Fx', ['api'])).toBeUndefined();
    expect(stripSegments('/a%2Fb/c', ['a', 'b'])).toBeUndefined();
    expect(stripSegments('/%2e%2e/api', ['api'])).toBeUndefined();
    expect(stripSegments('/my%20app/x', ['my app'])).toBe('/x');
    expect(stripSegments('/%c0%ae/x', ['.'])).toBeUndefined();
  });
});

describe('rawPathBelowMount', () => {
  it('is the raw path at the root when PATH_INFO is its decoding', () => {
    const environ = makeEnviron({ PATH_INFO: '/a b/é', REQUEST_URI: '/a%20b/%C3%A9?x' });
    expect(rawPathBelowMount(environ)).toBe('/a%20b/%C3%A9');
  });

  it('is the raw rest below SCRIPT_NAME, encoding kept', () => {
    const environ = makeEnviron({ SCRIPT_NAME: '/my app', PATH_INFO: '/users/a/b', REQUEST_URI: '/my%20app/users/a%2Fb' });
    expect(rawPathBelowMount(environ)).toBe('/users/a%2Fb');
  });

  it('is undefined when the environ no longer spells REQUEST_URI', () => {
    expect(rawPathBelowMount(makeEnviron({ PATH_INFO: '/new', REQUEST_URI: '/old' }))).toBeUndefined();
    expect(rawPathBelowMount(makeEnviron({ SCRIPT_NAME: '/x', PATH_INFO: '/a', REQUEST_URI: '/y/a' }))).toBeUndefined();
    expect(rawPathBelowMount(makeEnviron({ SCRIPT_NAME: '/x', PATH_INFO: '/a', REQUEST_URI: '/x%2Fa' }))).toBeUndefined();
  });

  it('falls back to the re-encoded PATH_INFO in pathBelowMount', () => {
    expect(pathBelowMount(makeEnviron({ PATH_INFO: '/new path', REQUEST_URI: '/old' }))).toBe('/new%20path');
  });
});

describe('targetBelowMount', () => {
  it('is REQUEST_URI byte for byte at the root', () => {
    const uri = '/a%20b/%2F/%c3%A9?x=%41&y=1+2';
    expect(targetBelowMount(makeEnviron({ PATH_INFO: '/a b///é', QUERY_STRING: 'x=%41&y=1+2', REQUEST_URI: uri }))).toBe(uri);
    expect(targetBelowMount(makeEnviron({ PATH_INFO: '/a', QUERY_STRING: '', REQUEST_URI: '/a?' }))).toBe('/a?');
  });

  it('shows the mount point itself as `/`, query kept', () => {
    const environ = makeEnviron({ SCRIPT_NAME: '/api', PATH_INFO: '', QUERY_STRING: 'x=1', REQUEST_URI: '/api?x=1' });
    expect(targetBelowMount(environ)).toBe('/?x=1');
  });

  it('takes a rewritten QUERY_STRING', () => {
    expect(targetBelowMount(makeEnviron({ PATH_INFO: '/a', QUERY_STRING: 'b=2', REQUEST_URI: '/a?a=1' }))).toBe('/a?b=2');
  });
});
