// req.url must be what node would have shown: REQUEST_URI as sent at the root, the part below the
// mount point under a dispatcher, and a re-encoded PATH_INFO only when nothing else fits.
import { makeEnviron } from '@gateway-interop/gateway/testing';
import { describe, expect, it } from 'vitest';
import { requestUrl } from './request-url.ts';

describe('requestUrl', () => {
  it('is REQUEST_URI byte for byte at the root, percent-encoding kept', () => {
    const uri = '/a%20b/%2F/%c3%A9?x=%41&y=1+2';
    const environ = makeEnviron({ PATH_INFO: '/a b///é', QUERY_STRING: 'x=%41&y=1+2', REQUEST_URI: uri });
    expect(requestUrl(environ)).toBe(uri);
  });

  it('keeps the asterisk form', () => {
    expect(requestUrl(makeEnviron({ REQUEST_METHOD: 'OPTIONS', PATH_INFO: '*', REQUEST_URI: '*' }))).toBe('*');
  });

  it('is the raw path below the mount point under SCRIPT_NAME', () => {
    const environ = makeEnviron({
      SCRIPT_NAME: '/my app',
      PATH_INFO: '/users/a b',
      QUERY_STRING: 'q=%2F',
      REQUEST_URI: '/my%20app/users/a%20b?q=%2F',
    });
    expect(requestUrl(environ)).toBe('/users/a%20b?q=%2F');
  });

  it('shows `/` for the mount point itself, as Express does for a sub-app', () => {
    const environ = makeEnviron({ SCRIPT_NAME: '/api', PATH_INFO: '', QUERY_STRING: 'x=1', REQUEST_URI: '/api?x=1' });
    expect(requestUrl(environ)).toBe('/?x=1');
  });

  it('re-encodes PATH_INFO when a middleware rewrote it', () => {
    const environ = makeEnviron({ PATH_INFO: '/new path?#%', QUERY_STRING: '', REQUEST_URI: '/old' });
    expect(requestUrl(environ)).toBe('/new%20path%3F%23%25');
  });

  it('takes the path from an absolute-form target', () => {
    const environ = makeEnviron({ PATH_INFO: '/p', QUERY_STRING: 'q', REQUEST_URI: 'http://example.com/p?q' });
    expect(requestUrl(environ)).toBe('/p?q');
  });
});
