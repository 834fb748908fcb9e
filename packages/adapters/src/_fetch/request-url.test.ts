// Unit tests for rebuilding `request.url` from an environ: raw path kept, mounts stripped,
// Host checked.
import { makeEnviron } from '@gateway-interop/gateway/testing';
import { describe, expect, test } from 'vitest';
import { decodePath } from '@gateway-interop/gateway/http';
import { requestUrl, serializedRequestUrl } from './request-url.ts';

describe('requestUrl', () => {
  test('uses scheme, Host and the raw request-target', () => {
    const environ = makeEnviron(
      { PATH_INFO: '/a/b', QUERY_STRING: 'x=%20', REQUEST_URI: '/a%2Fb?x=%20' },
      { headers: { Host: 'example.test:8080' } },
    );
    expect(requestUrl(environ)).toBe('http://example.test:8080/a%2Fb?x=%20');
  });

  test('honours gateway.url_scheme', () => {
    const environ = makeEnviron({ 'gateway.url_scheme': 'https', PATH_INFO: '/x' });
    expect(requestUrl(environ)).toBe('https://localhost/x');
  });

  test('under a mount, keeps only what the app routes on, still raw', () => {
    const environ = makeEnviron({
      SCRIPT_NAME: '/hono',
      PATH_INFO: '/files/a/b',
      QUERY_STRING: 'q=1',
      REQUEST_URI: '/hono/files/a%2Fb?q=1',
    });
    expect(requestUrl(environ)).toBe('http://localhost/files/a%2Fb?q=1');
  });

  test('the mount point itself becomes /', () => {
    const environ = makeEnviron({ SCRIPT_NAME: '/hono', PATH_INFO: '', REQUEST_URI: '/hono' });
    expect(requestUrl(environ)).toBe('http://localhost/');
  });

  test('re-encodes PATH_INFO when REQUEST_URI does not match the mount', () => {
    const environ = makeEnviron({
      SCRIPT_NAME: '/mounted',
      PATH_INFO: '/café 100%',
      REQUEST_URI: '/elsewhere',
    });
    expect(requestUrl(environ)).toBe('http://localhost/caf%C3%A9%20100%25');
  });

  test('absolute-form targets use PATH_INFO and QUERY_STRING', () => {
    const environ = makeEnviron({
      PATH_INFO: '/p',
      QUERY_STRING: 'q',
      REQUEST_URI: 'http://h/p?q',
    });
    expect(requestUrl(environ)).toBe('http://localhost/p?q');
  });

  test('a Host that would change the URL falls back to SERVER_NAME and SERVER_PORT', () => {
    for (const host of ['evil.test/x?', 'a@b', 'a b', '']) {
      const environ = makeEnviron(
        { PATH_INFO: '/hello', SERVER_NAME: '10.0.0.1', SERVER_PORT: '8888' },
        { headers: { Host: host } },
      );
      expect(requestUrl(environ)).toBe('http://10.0.0.1:8888/hello');
    }
  });

  test('IPv6 server names are bracketed, default ports left out', () => {
    const environ = makeEnviron({ PATH_INFO: '/', SERVER_NAME: '::1', SERVER_PORT: '80' });
    delete environ.HTTP_HOST;
    expect(requestUrl(environ)).toBe('http://[::1]/');
  });
});

describe('serializedRequestUrl', () => {
  /** What `new Request(requestUrl(environ)).url` says, or 'throws'. */
  function viaRequest(environ: ReturnType<typeof makeEnviron>): string {
    try {
      return new Request(requestUrl(environ)).url;
    } catch {
      return 'throws';
    }
  }

  function viaShortcut(environ: ReturnType<typeof makeEnviron>): string {
    try {
      return serializedRequestUrl(environ);
    } catch {
      return 'throws';
    }
  }

  test('agrees with new Request(url).url on every printable character, in path and query', () => {
    const hosts = [
      'localhost',
      'localhost:80',
      'localhost:443',
      'localhost:8080',
      'LocalHost',
      'a_b',
      '-a.b-',
      'example.com.',
      'foo.1',
      'foo.0x1',
      '127.0.0.1',
      '127.1',
      '0x7f.0.0.1',
      '256.0.0.1',
      '01.2.3.4',
      '[::1]',
      '[::1]:80',
      'xn--nxasmq6b.com',
      'xn--zz',
      'a..b',
      'host:0',
      'host:65535',
      'host:65536',
      'host:080',
      'é.com',
    ];
    const targets = [
      '/',
      '/hello',
      '/a/./b',
      '/a/../b',
      '/%2e%2E/x',
      '/a?x=/../',
      '/.well-known',
      '/a%20b?x=1',
      '/x?',
    ];
    for (let code = 0x21; code < 0x7f; code++) {
      const char = String.fromCharCode(code);
      targets.push(`/p${char}q`, `/p?q${char}r`);
    }
    targets.push('/p\u00e9', '/p?\u00e9', '/p\x7f');
    const disagreements: string[] = [];
    for (const scheme of ['http', 'https'] as const) {
      for (const host of hosts) {
        for (const uri of targets) {
          const environ = makeEnviron(
            {
              REQUEST_URI: uri,
              PATH_INFO: decodePath(uri.split('?')[0]!),
              QUERY_STRING: uri.includes('?') ? uri.slice(uri.indexOf('?') + 1) : '',
              'gateway.url_scheme': scheme,
            },
            { headers: { Host: host } },
          );
          // Twice: the second call takes the remembered-Host path.
          for (let i = 0; i < 2; i++) {
            const [expected, got] = [viaRequest(environ), viaShortcut(environ)];
            if (expected !== got)
              disagreements.push(`${scheme} ${host} ${uri}: ${expected} ≠ ${got}`);
          }
        }
      }
    }
    expect(disagreements).toEqual([]);
  });

  test('under a mount, the same URL requestUrl makes, serialized', () => {
    const environ = makeEnviron({
      SCRIPT_NAME: '/m',
      PATH_INFO: '/a/../b',
      REQUEST_URI: '/m/a/../b',
    });
    expect(serializedRequestUrl(environ)).toBe(new URL(requestUrl(environ)).href);
  });
});
