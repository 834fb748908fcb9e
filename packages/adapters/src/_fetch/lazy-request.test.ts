// The Request facade must answer like the undici Request it stands in for (to-request.ts builds
// that one): each test compares the two, or checks what the facade promises on top (nothing is
// built or read until needed).
import { inspect } from 'node:util';
import type { Environ } from '@gateway-interop/gateway';
import { makeEnviron } from '@gateway-interop/gateway/testing';
import type { CallOptions } from '@gateway-interop/gateway/testing';
import { describe, expect, test } from 'vitest';
import { LazyRequest, lazyRequest } from './lazy-request.ts';
import { toRequest } from './to-request.ts';

const encoder = new TextEncoder();

/** The facade and the real Request for the same request (each with its own copy of the body). */
function both(overrides: Partial<Environ> = {}, options: CallOptions = {}): [Request, Request] {
  return [lazyRequest(makeEnviron(overrides, options)), toRequest(makeEnviron(overrides, options))];
}

/** An environ that counts how often its signal and its input are asked for. */
function counted(overrides: Partial<Environ> = {}): {
  environ: Environ;
  reads: { signal: number; input: number };
} {
  const reads = { signal: 0, input: 0 };
  const environ = makeEnviron(overrides, { body: 'payload' });
  const signal = new AbortController().signal;
  const input = environ['gateway.input'];
  Object.defineProperty(environ, 'gateway.signal', {
    get: () => (reads.signal++, signal),
    enumerable: true,
  });
  environ['gateway.input'] = {
    [Symbol.asyncIterator]: () => (reads.input++, input[Symbol.asyncIterator]()),
  };
  return { environ, reads };
}

describe('what the facade answers itself', () => {
  test('is a Request, with the same method, URL and headers as the real one', () => {
    const cases: Array<Partial<Environ>> = [
      { PATH_INFO: '/a/b', QUERY_STRING: 'x=1', REQUEST_URI: '/a/b?x=1' },
      { REQUEST_METHOD: 'get', PATH_INFO: '/lower' },
      { REQUEST_METHOD: 'patch', PATH_INFO: '/kept-as-sent' },
      { REQUEST_METHOD: 'delete', PATH_INFO: '/' },
      { REQUEST_METHOD: 'TRACE', PATH_INFO: '/' },
      { PATH_INFO: '/a/../b', REQUEST_URI: '/a/../b' },
      { PATH_INFO: '/é', REQUEST_URI: '/%C3%A9' },
      { SCRIPT_NAME: '/mount', PATH_INFO: '/x', REQUEST_URI: '/mount/x' },
    ];
    for (const overrides of cases) {
      const [facade, real] = both(overrides, {
        headers: { Host: 'Example.TEST:80', Accept: 'text/html' },
      });
      expect(facade).toBeInstanceOf(Request);
      expect([facade.method, facade.url]).toEqual([real.method, real.url]);
      expect([...facade.headers]).toEqual([...real.headers]);
    }
  });

  test('a method that is not a token is refused as new Request refuses it', () => {
    const facade = lazyRequest(makeEnviron({ REQUEST_METHOD: 'GE T' }));
    expect(() => facade.method).toThrow(TypeError);
  });

  test('headers is one object, and repeated fields are all there', () => {
    const facade = lazyRequest(
      makeEnviron({ 'gateway.raw_headers': ['Host', 'h', 'Accept', 'a/b', 'Accept', 'c/d'] }),
    );
    expect(facade.headers).toBe(facade.headers);
    expect(facade.headers.get('accept')).toBe('a/b, c/d');
  });

  test('signal is the environ’s, and is not asked for until read', () => {
    const { environ, reads } = counted();
    const facade = lazyRequest(environ);
    void [facade.method, facade.url, facade.headers];
    expect(reads.signal).toBe(0);
    expect(facade.signal).toBe(environ['gateway.signal']);
  });

  test('GET has no body: null, and text() is empty', async () => {
    const facade = lazyRequest(makeEnviron());
    expect(facade.body).toBeNull();
    expect(await facade.text()).toBe('');
    expect(facade.bodyUsed).toBe(false);
    await expect(lazyRequest(makeEnviron()).json()).rejects.toThrow(SyntaxError);
  });

  test('text(), json(), arrayBuffer() and bytes() read gateway.input directly, once', async () => {
    const post = { REQUEST_METHOD: 'POST' };
    const json = '{"a":[1,"ü"]}';
    const [facade, real] = both(post, { body: json });
    expect(await facade.text()).toBe(await real.text());
    expect(facade.bodyUsed).toBe(true);
    await expect(facade.text()).rejects.toThrow(TypeError);
    expect(await lazyRequest(makeEnviron(post, { body: json })).json()).toEqual({ a: [1, 'ü'] });
    const buffer = await lazyRequest(makeEnviron(post, { body: json })).arrayBuffer();
    expect(buffer).toBeInstanceOf(ArrayBuffer);
    expect(new Uint8Array(buffer)).toEqual(encoder.encode(json));
    const bytes = await lazyRequest(makeEnviron(post, { body: json })).bytes();
    expect(bytes).toEqual(encoder.encode(json));
  });

  test('a body in several chunks arrives whole, with a fresh ArrayBuffer', async () => {
    const input = (async function* () {
      yield encoder.encode('ab');
      yield encoder.encode('cd');
    })();
    const facade = lazyRequest(makeEnviron({ REQUEST_METHOD: 'PUT', 'gateway.input': input }));
    const buffer = await facade.arrayBuffer();
    expect(buffer.byteLength).toBe(4);
    expect(new TextDecoder().decode(buffer)).toBe('abcd');
  });

  test('a used body stays used: body is locked, clone() and blob() refuse', async () => {
    const facade = lazyRequest(makeEnviron({ REQUEST_METHOD: 'POST' }, { body: 'x' }));
    await facade.text();
    expect(facade.body?.locked).toBe(true);
    expect(facade.bodyUsed).toBe(true);
    expect(() => facade.clone()).toThrow(TypeError);
    await expect(facade.blob()).rejects.toThrow(TypeError);
  });

  test('inspecting it builds nothing', () => {
    const { environ, reads } = counted();
    expect(inspect(lazyRequest(environ))).toContain('http://localhost/');
    expect(reads).toEqual({ signal: 0, input: 0 });
  });
});

describe('what the real Request answers, built on demand', () => {
  test('body streams from gateway.input, which is not touched before', async () => {
    const { environ, reads } = counted({ REQUEST_METHOD: 'POST' });
    const facade = lazyRequest(environ);
    expect(reads.input).toBe(0);
    const body = facade.body as ReadableStream<Uint8Array>;
    expect(await new Response(body).text()).toBe('payload');
    expect(facade.bodyUsed).toBe(true);
  });

  test('clone() gives two readable copies and a signal that follows the environ’s', async () => {
    const client = new AbortController();
    const facade = lazyRequest(
      makeEnviron({ REQUEST_METHOD: 'POST' }, { body: 'twice', signal: client.signal }),
    );
    const copy = facade.clone();
    expect(await copy.text()).toBe('twice');
    expect(await facade.text()).toBe('twice');
    client.abort();
    expect(copy.signal.aborted).toBe(true);
  });

  test('formData(), blob() and the other attributes', async () => {
    const [facade, real] = both(
      { REQUEST_METHOD: 'POST' },
      { body: 'a=1&b=two', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } },
    );
    expect([...(await facade.formData())]).toEqual([...(await real.formData())]);
    const [f2, r2] = both(
      { REQUEST_METHOD: 'POST' },
      { body: 'x', headers: { 'Content-Type': 'text/plain' } },
    );
    expect((await f2.blob()).type).toBe((await r2.blob()).type);
    for (const key of ['mode', 'cache', 'credentials', 'redirect', 'duplex', 'keepalive']) {
      expect(Reflect.get(f2, key)).toEqual(Reflect.get(r2, key));
    }
  });

  test('TRACE keeps its name on the real Request too', () => {
    const facade = lazyRequest(makeEnviron({ REQUEST_METHOD: 'TRACE' }));
    expect(facade.clone().method).toBe('GET'); // a clone is undici's own: it cannot say TRACE
    expect(LazyRequest.real(facade as unknown as LazyRequest).method).toBe('TRACE');
  });

  test('new Request(facade, init) sees through it, as Hono’s bodyLimit middleware needs', async () => {
    const facade = lazyRequest(
      makeEnviron(
        { REQUEST_METHOD: 'POST', PATH_INFO: '/p' },
        { body: 'long body', headers: { 'X-A': '1' } },
      ),
    );
    const copy = new Request(facade, { body: 'short' });
    expect([copy.method, copy.url, copy.headers.get('x-a')]).toEqual([
      'POST',
      'http://localhost/p',
      '1',
    ]);
    expect(await copy.text()).toBe('short');
  });
});
