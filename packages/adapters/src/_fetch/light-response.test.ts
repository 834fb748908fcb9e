// A light response must be indistinguishable from undici's Response made from the same arguments,
// except in cost: each case below is built both ways and compared, including what is thrown.
import { describe, expect, test } from 'vitest';
import { LightResponse, withLightResponses } from './light-response.ts';
import { bodySource as bufferedBody } from './undici-internals.ts';

const NativeResponse = globalThis.Response;
type Args = [body?: unknown, init?: unknown];

function light(...args: Args): Response {
  return new LightResponse(...args) as unknown as Response;
}

function native(...args: Args): Response {
  return new NativeResponse(args[0] as BodyInit, args[1] as ResponseInit);
}

/** Everything observable without reading the body, then the body. */
async function observe(response: Response): Promise<Record<string, unknown>> {
  const seen = {
    status: response.status,
    statusText: response.statusText,
    ok: response.ok,
    type: response.type,
    url: response.url,
    redirected: response.redirected,
    bodyUsed: response.bodyUsed,
    headers: [...response.headers],
    cookies: response.headers.getSetCookie(),
    hasBody: response.body !== null,
  };
  return { ...seen, text: await response.text(), usedAfter: response.bodyUsed };
}

function cookieHeaders(): Headers {
  const headers = new Headers({ 'X-Kept': 'yes' });
  headers.append('Set-Cookie', 'a=1; Expires=Wed, 21 Oct 2015 07:28:00 GMT');
  headers.append('Set-Cookie', 'b=2');
  return headers;
}

const lightCases: Array<[string, Args]> = [
  ['no arguments', []],
  ['a string', ['Hello world']],
  ['an empty string', ['']],
  ['a lone surrogate', ['a\ud800b']],
  ['bytes', [new Uint8Array([104, 105])]],
  ['a Buffer slice', [Buffer.from('xxhixx').subarray(2, 4)]],
  ['an ArrayBuffer', [new Uint8Array([1, 2, 3]).buffer]],
  ['a DataView', [new DataView(new Uint8Array([65, 66]).buffer)]],
  ['null with a status', [null, { status: 204 }]],
  ['a status and reason', ['x', { status: 418, statusText: 'Short And Stout' }]],
  ['a record with a type', ['{}', { headers: { 'Content-Type': 'application/json' } }]],
  ['a record with another field', ['x', { headers: { 'X-One': 'v' } }]],
  ['a Headers with cookies', ['c', { headers: cookieHeaders() }]],
  [
    'a Headers with a type',
    ['<p>', { status: 201, headers: new Headers({ 'content-type': 'text/html' }) }],
  ],
  ['null and a Location', [null, { status: 302, headers: new Headers({ location: '/hello' }) }]],
  ['undefined members', ['x', { status: undefined, statusText: undefined, headers: undefined }]],
  ['a null init', ['x', null]],
];

const nativeCases: Array<[string, Args]> = [
  ['a stream', [new ReadableStream({ start: (c) => (c.enqueue(new Uint8Array([1])), c.close()) })]],
  ['a Blob', [new Blob(['blob'], { type: 'text/x-blob' })]],
  ['URLSearchParams', [new URLSearchParams('a=1')]],
  ['a number as body', [42]],
  ['a record with two fields', ['x', { headers: { 'X-A': '1', 'X-B': '2' } }]],
  ['an array of pairs', ['x', { headers: [['x-a', '1']] }]],
  ['a value with spaces around it', ['x', { headers: { 'X-A': ' padded ' } }]],
  ['a status given as a string', ['x', { status: '201' }]],
];

const throwingCases: Array<[string, Args]> = [
  ['status below 200', ['x', { status: 199 }]],
  ['status above 599', ['x', { status: 600 }]],
  ['a reason with a newline', ['x', { statusText: 'Bad\nReason' }]],
  ['a body with 204', ['x', { status: 204 }]],
  ['a body with 304', ['', { status: 304 }]],
  ['a bad header name', ['x', { headers: { 'Bad Name': 'x' } }]],
  ['a header value with CRLF', ['x', { headers: { 'X-A': 'a\r\nb' } }]],
  ['a header value beyond Latin-1', ['x', { headers: { 'X-A': 'ü€' } }]],
  ['an init that is not an object', ['x', 5]],
];

describe('LightResponse, compared with undici’s Response', () => {
  test.each(lightCases)('%s: light, and the same in every respect', async (_name, args) => {
    const response = light(...args);
    expect(LightResponse.partsOf(response)).toBeDefined();
    expect(await observe(response)).toEqual(await observe(native(...args)));
  });

  test.each(nativeCases)('%s: undici’s own Response', async (_name, args) => {
    const response = light(...args);
    expect(LightResponse.partsOf(response)).toBeUndefined();
    expect(Object.getPrototypeOf(response)).toBe(NativeResponse.prototype);
  });

  test.each(throwingCases)('%s: throws what undici throws', (_name, args) => {
    let expected: unknown;
    try {
      native(...args);
    } catch (error) {
      expected = error;
    }
    expect(expected).toBeInstanceOf(Error);
    expect(() => light(...args)).toThrow(expected as Error);
  });

  test('the bytes are copied, as undici copies them', async () => {
    const bytes = new Uint8Array([104, 105]);
    const response = light(bytes);
    bytes[0] = 0;
    expect(await response.text()).toBe('hi');
  });

  test('the Headers given are copied: changing them later changes nothing', () => {
    const headers = new Headers({ 'x-a': '1' });
    const response = light('x', { headers });
    headers.set('x-a', 'changed');
    expect(response.headers.get('x-a')).toBe('1');
  });

  test('headers is one live object; the parts follow it', () => {
    const response = light('x');
    response.headers.set('x-late', 'added');
    expect(response.headers).toBe(response.headers);
    const parts = LightResponse.partsOf(response);
    expect(parts?.headers?.get('x-late')).toBe('added');
  });

  test('reading the body hands it to undici: used once, clone before works', async () => {
    const response = light('once');
    const copy = response.clone();
    expect(await response.text()).toBe('once');
    expect(response.bodyUsed).toBe(true);
    await expect(response.text()).rejects.toThrow(TypeError);
    expect(await copy.text()).toBe('once');
    expect(LightResponse.partsOf(response)).toBeUndefined();
  });

  test('json(), arrayBuffer() and blob() answer as undici’s', async () => {
    expect(await light('{"a":1}').json()).toEqual({ a: 1 });
    expect(new Uint8Array(await light(new Uint8Array([7])).arrayBuffer())).toEqual(
      new Uint8Array([7]),
    );
    expect((await light('x').blob()).type).toBe('text/plain;charset=utf-8');
  });

  test('undici can take it where it takes a Response: as init, through its own methods', async () => {
    const response = light('body', { status: 201, headers: new Headers({ 'x-a': '1' }) });
    const copy = new NativeResponse(null, response);
    expect([copy.status, copy.headers.get('x-a')]).toEqual([201, '1']);
    expect(await NativeResponse.prototype.text.call(response)).toBe('body');
  });
});

describe('withLightResponses', () => {
  test('Response is light inside, undici’s again after, even after a throw', () => {
    const inside = withLightResponses(() => new Response('x'), undefined, undefined);
    expect(LightResponse.partsOf(inside)).toBeDefined();
    expect(globalThis.Response).toBe(NativeResponse);
    expect(() =>
      withLightResponses(
        () => {
          throw new Error('boom');
        },
        undefined,
        undefined,
      ),
    ).toThrow('boom');
    expect(globalThis.Response).toBe(NativeResponse);
  });

  test('instanceof holds both ways, inside and after', () => {
    const [lightOne, nativeOne, checks] = withLightResponses(
      () => {
        const made = new Response('x');
        const real = new NativeResponse('y');
        return [made, real, [made instanceof Response, real instanceof Response]];
      },
      undefined,
      undefined,
    );
    expect(checks).toEqual([true, true]);
    expect(lightOne).toBeInstanceOf(NativeResponse);
    expect(nativeOne).toBeInstanceOf(LightResponse);
  });

  test('the statics are undici’s', async () => {
    const made = withLightResponses(
      () => Response.json({ a: 1 }, { status: 201 }),
      undefined,
      undefined,
    );
    expect(made.status).toBe(201);
    expect(await made.json()).toEqual({ a: 1 });
    expect(Response.redirect('http://x/', 301).status).toBe(301);
  });

  test('nested calls keep the light class until the outermost returns', () => {
    const inner = withLightResponses(
      () => {
        const nested = withLightResponses(() => new Response('a'), undefined, undefined);
        return [nested, new Response('b')];
      },
      undefined,
      undefined,
    );
    expect(inner.map((r) => LightResponse.partsOf(r) !== undefined)).toEqual([true, true]);
    expect(globalThis.Response).toBe(NativeResponse);
  });

  test('a Response someone else installed is left alone', () => {
    class Theirs extends NativeResponse {}
    const global = globalThis as { Response: typeof Response };
    global.Response = Theirs;
    try {
      const made = withLightResponses(() => new Response('x'), undefined, undefined);
      expect(made).toBeInstanceOf(Theirs);
      expect(global.Response).toBe(Theirs);
    } finally {
      global.Response = NativeResponse;
    }
  });
});

describe('bufferedBody: what an undici Response was given', () => {
  test('strings and bytes, while the stream is untouched', async () => {
    expect(bufferedBody(new NativeResponse('text'))).toBe('text');
    expect(bufferedBody(new NativeResponse(new Uint8Array([1, 2])))).toEqual(
      new Uint8Array([1, 2]),
    );
    expect(bufferedBody(Response.json({ a: 1 }))).toEqual(new TextEncoder().encode('{"a":1}'));
    const read = new NativeResponse('text');
    await read.text();
    expect(bufferedBody(read)).toBeUndefined();
    const locked = new NativeResponse('text');
    locked.body?.getReader();
    expect(bufferedBody(locked)).toBeUndefined();
  });

  test('nothing for streams, Blobs and null bodies', () => {
    expect(bufferedBody(new NativeResponse(new ReadableStream()))).toBeUndefined();
    expect(bufferedBody(new NativeResponse(new Blob(['x'])))).toBeUndefined();
    expect(bufferedBody(new NativeResponse(null))).toBeUndefined();
  });
});
