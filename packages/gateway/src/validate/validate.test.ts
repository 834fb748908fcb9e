// Tests for the validator: a conforming app comes out of it byte for byte as it went in, and each
// way of breaking a SPEC.md rule, by the app or by the server, throws a GatewaySpecError naming
// that rule. In-process through callApp; a stub server where the server's side is on trial.
import { describe, expect, it } from 'vitest';
import { callApp, makeEnviron } from '../testing/testing.ts';
import type { App, Body, Chunk, Environ, HeaderList, StartResponse, Write } from '../types.ts';
import { GatewaySpecError, validator } from './validate.ts';

/** The rule a run breaks, or 'none'; also checks the message names it the agreed way. */
async function ruleOf(run: () => unknown): Promise<string> {
  try {
    await run();
  } catch (error) {
    if (!(error instanceof GatewaySpecError)) throw error;
    expect(error.message.startsWith(`SPEC rule ${error.rule}: `)).toBe(true);
    return error.rule;
  }
  return 'none';
}

const answer =
  (body: unknown, status = '200 OK', headers: HeaderList = [['Content-Type', 'text/plain']]): App =>
  (_environ, start) => {
    start(status, headers);
    return body as Body;
  };
const hello = answer(['hello']);

/** Calls a validated app through callApp with environ overrides that may be ill-typed on purpose. */
const withEnviron = (overrides: Record<string, unknown>, app: App = hello) =>
  ruleOf(() => callApp(validator(app), overrides as Partial<Environ>));

/** A stub server's startResponse: records calls, answers with `write`. */
function stubStart(write: unknown = async () => {}) {
  const calls: Array<[string, HeaderList, unknown]> = [];
  const start = ((status: string, headers: HeaderList, error?: unknown) => {
    calls.push([status, headers, error]);
    return write;
  }) as StartResponse;
  return { start, calls };
}

async function drain(body: Body | Promise<Body>): Promise<Chunk[]> {
  const chunks: Chunk[] = [];
  for await (const chunk of (await body) as AsyncIterable<Chunk>) chunks.push(chunk);
  return chunks;
}

describe('a conforming app passes through unchanged', () => {
  const apps: Record<string, App> = {
    'an array': answer(['hello ', new Uint8Array([0xe2, 0x82, 0xac])]),
    'a sync generator': (e, s) => answer((function* () { yield 'a'; yield ''; yield 'é€'; })())(e, s),
    'an async generator': (e, s) => answer((async function* () { yield Buffer.from('a'); yield 'b'; })())(e, s),
    'an async app': async (_e, start) => { start('201 Created', [['Set-Cookie', 'a=1'], ['Set-Cookie', 'b=2']]); return ['x']; },
    'a writer': async (_e, start) => { const write = start('200 OK', []); await write('a'); await write(new Uint8Array([98])); return []; },
    'a late starter': (_e, start) => (async function* () { start('200 OK', []); yield 'x'; })(),
    'a Content-Length': answer(['12', '345'], '200 OK', [['Content-Length', '5']]),
  };
  it.each(Object.entries(apps))('%s', async (_name, app) => {
    const plain = await callApp(app);
    const checked = await callApp(validator(app));
    expect(checked).toEqual(plain);
  });

  it('keeps an array body the same array, and a sync body sync (6.1 frames them differently)', () => {
    const body = ['a', 'b'];
    expect(validator(answer(body))(makeEnviron(), stubStart().start)).toBe(body);
    const sync = validator(answer(new Set(['a'])))(makeEnviron(), stubStart().start);
    expect(Symbol.iterator in sync && !(Symbol.asyncIterator in sync)).toBe(true);
  });

  it('returns the server’s own write Promise', async () => {
    const sent = Promise.resolve();
    let got: unknown;
    const app: App = (_e, start) => { got = start('200 OK', [])('x'); return []; };
    validator(app)(makeEnviron(), stubStart(() => sent).start);
    expect(got).toBe(sent);
  });
});

describe('1 the application', () => {
  it('1.1 an app must be a function', async () => {
    expect(await ruleOf(() => validator({} as App))).toBe('1.1');
  });
  it('1.1 the server must pass startResponse as a function', async () => {
    expect(await ruleOf(() => validator(hello)(makeEnviron(), null as unknown as StartResponse))).toBe('1.1');
  });
  it('1.2 a non-empty chunk before startResponse', async () => {
    const app: App = (_e, start) => (async function* () { yield 'x'; start('200 OK', []); })();
    expect(await ruleOf(() => callApp(validator(app)))).toBe('1.2');
  });
  it('1.2 a body that ends without startResponse', async () => {
    expect(await ruleOf(() => callApp(validator(() => [])))).toBe('1.2');
    expect(await ruleOf(() => callApp(validator(() => (function* () {})())))).toBe('1.2');
  });
  it('1.2 empty chunks before startResponse, and starting inside the body, are fine', async () => {
    // Not through callApp: it refuses even an empty chunk before startResponse, stricter than 1.2.
    const app: App = (_e, start) => (async function* () { yield ''; start('200 OK', []); yield 'x'; })();
    expect(await drain(validator(app)(makeEnviron(), stubStart().start))).toEqual(['', 'x']);
  });
  it('1.2 startResponse after the body finished', async () => {
    let start: StartResponse | undefined;
    const app: App = (_e, s) => { start = s; s('200 OK', []); return []; };
    await callApp(validator(app));
    expect(await ruleOf(() => start?.('500 Oops', [], new Error('late')))).toBe('1.2');
  });
  it('1.3 the app’s own errors pass through as themselves', async () => {
    const boom = new Error('boom');
    await expect(callApp(validator(() => { throw boom; }))).rejects.toBe(boom);
    await expect(callApp(validator(async () => { throw boom; }))).rejects.toBe(boom);
  });
});

describe('2 environ', () => {
  it('2.1 a plain object', async () => {
    const environ = Object.assign(new (class Request {})(), makeEnviron()) as Environ;
    expect(await ruleOf(() => validator(hello)(environ, stubStart().start))).toBe('2.1');
  });
  it('2.1 never the same object twice', async () => {
    const environ = makeEnviron();
    const app = validator(hello);
    app(environ, stubStart().start);
    expect(await ruleOf(() => app(environ, stubStart().start))).toBe('2.1');
  });
  it.each([
    { REQUEST_METHOD: 'GE T' },
    { REQUEST_METHOD: undefined },
    { SCRIPT_NAME: '/app/' },
    { SCRIPT_NAME: 'app' },
    { PATH_INFO: 'hello' },
    { QUERY_STRING: null },
    { REQUEST_URI: '' },
    { REQUEST_URI: '/a b' },
  ])('2.2 refuses %o', async (overrides) => {
    expect(await withEnviron(overrides)).toBe('2.2');
  });
  it.each([{ PATH_INFO: '*', REQUEST_URI: '*' }, { SCRIPT_NAME: '/app', PATH_INFO: '', REQUEST_URI: '/app' }, { SCRIPT_NAME: '/app', PATH_INFO: '/x' }])(
    '2.2 accepts %o',
    async (overrides) => {
      expect(await withEnviron(overrides)).toBe('none');
    },
  );
  it.each([
    { HTTP_CONTENT_TYPE: 'text/plain' },
    { HTTP_CONTENT_LENGTH: '3' },
    { CONTENT_LENGTH: 'three' },
    { CONTENT_TYPE: 3 },
    { HTTP_x_user: 'a' },
    { 'HTTP_X-USER': 'a' },
    { HTTP_X_USER: 'a\r\nb' },
    { HTTP_X_USER: 1 },
    { 'gateway.raw_headers': ['Host'] },
    { 'gateway.raw_headers': 'Host: a' },
    { 'gateway.raw_headers': ['Bad Name', 'a'] },
  ])('2.3 refuses %o', async (overrides) => {
    expect(await withEnviron(overrides)).toBe('2.3');
  });
  it('2.3 a field name with "_" must get no HTTP_ key', async () => {
    const raw = ['Host', 'localhost', 'X_User', 'admin'];
    expect(await withEnviron({ HTTP_X_USER: 'admin', 'gateway.raw_headers': raw })).toBe('2.3');
  });
  it('2.3 unless a field with "-" gave the key', async () => {
    const raw = ['Host', 'localhost', 'X_User', 'admin', 'X-User', 'bob'];
    expect(await withEnviron({ HTTP_X_USER: 'bob', 'gateway.raw_headers': raw })).toBe('none');
  });

  const readAll: App = async (environ, start) => {
    const parts: Uint8Array[] = [];
    for await (const chunk of environ['gateway.input']) parts.push(chunk);
    start('200 OK', []);
    return parts;
  };
  const inputOf = (...chunks: unknown[]) => ({
    async *[Symbol.asyncIterator]() { yield* chunks; },
  });
  it('2.4 the body reads through unchanged', async () => {
    const result = await callApp(validator(readAll), { REQUEST_METHOD: 'POST' }, { body: 'hello' });
    expect(result.text).toBe('hello');
  });
  it('2.4 the body is read once', async () => {
    const twice: App = async (environ, start) => {
      for await (const _ of environ['gateway.input']) break;
      return readAll(environ, start);
    };
    expect(await ruleOf(() => callApp(validator(twice), {}, { body: 'x' }))).toBe('2.4');
  });
  it.each([
    ['not async iterable', { 'gateway.input': [new Uint8Array(1)] }],
    ['a string chunk', { CONTENT_LENGTH: '1', 'gateway.input': inputOf('x') }],
    ['more than CONTENT_LENGTH', { CONTENT_LENGTH: '1', 'gateway.input': inputOf(new Uint8Array(2)) }],
    ['fewer than CONTENT_LENGTH', { CONTENT_LENGTH: '3', 'gateway.input': inputOf(new Uint8Array(2)) }],
    ['bytes with no body', { 'gateway.input': inputOf(new Uint8Array(1)) }],
  ])('2.4 refuses input with %s', async (_what, overrides) => {
    expect(await withEnviron(overrides, readAll)).toBe('2.4');
  });
  it('2.4 a chunked body has no CONTENT_LENGTH', async () => {
    const overrides = { HTTP_TRANSFER_ENCODING: 'chunked', 'gateway.input': inputOf(new Uint8Array(4)) };
    expect(await withEnviron(overrides, readAll)).toBe('none');
  });

  it.each([
    { 'gateway.version': [2, 0] },
    { 'gateway.version': '1.0' },
    { 'gateway.url_scheme': 'ftp' },
    { 'gateway.multithread': true },
    { 'gateway.multiprocess': 'no' },
    { 'gateway.run_once': undefined },
    { 'gateway.errors': process.stderr.fd },
  ])('2.5 refuses %o', async (overrides) => {
    expect(await withEnviron(overrides)).toBe('2.5');
  });
  it('2.5 gateway.errors takes text', async () => {
    const lines: string[] = [];
    const app: App = (environ, start) => {
      environ['gateway.errors'].write('a line\n');
      environ['gateway.errors'].write(new Error('x') as unknown as string);
      return hello(environ, start);
    };
    expect(await withEnviron({ 'gateway.errors': { write: (m: string) => lines.push(m) } }, app)).toBe('2.5');
    expect(lines).toEqual(['a line\n']);
  });
  it.each([{ SERVER_NAME: '' }, { SERVER_PORT: 80 }, { SERVER_PORT: 'http' }, { SERVER_PROTOCOL: 'HTTP/2' }])(
    '2.6 refuses %o',
    async (overrides) => {
      expect(await withEnviron(overrides)).toBe('2.6');
    },
  );
  it.each([{ REMOTE_ADDR: undefined }, { REMOTE_PORT: 50000 }, { REMOTE_PORT: 'x' }])('2.7 refuses %o', async (overrides) => {
    expect(await withEnviron(overrides)).toBe('2.7');
  });
  it('2.9 gateway.signal is an AbortSignal', async () => {
    expect(await withEnviron({ 'gateway.signal': { aborted: false } })).toBe('2.9');
  });
});

describe('3 startResponse', () => {
  it.each([200, '200', '200OK', '99 Low', '1000 High', '099 Low', '100 Continue', '101 Switching Protocols', '103 Early Hints', 'abc OK', '200 O\r\nK'])(
    '3.1 refuses status %j',
    async (status) => {
      expect(await ruleOf(() => callApp(validator(answer([], status as string))))).toBe('3.1');
    },
  );
  it.each(['200 OK', '404 ', '599 Whatever\tit is', '200 Ol\xe9', '600 ', '700 unknown', '999 Last'])('3.1 accepts status %j', async (status) => {
    expect((await callApp(validator(answer([], status)))).status).toBe(status);
  });
  it.each([
    ['a plain object', { 'Content-Type': 'text/plain' }],
    ['a Headers object', new Headers({ 'Content-Type': 'text/plain' })],
    ['a triple', [['A', 'b', 'c']]],
    ['a number value', [['Content-Length', 5]]],
    ['a name with a space', [['Content Type', 'x']]],
    ['an empty name', [['', 'x']]],
    ['CR LF in a value', [['X-A', 'a\r\nSet-Cookie: evil=1']]],
    ['NUL in a value', [['X-A', 'a\0']]],
    ['a char above U+00FF', [['X-A', 'price: 5€']]],
    ['leading whitespace', [['X-A', ' a']]],
    ['trailing whitespace', [['X-A', 'a\t']]],
  ])('3.2 refuses headers with %s', async (_what, headers) => {
    expect(await ruleOf(() => callApp(validator(answer([], '200 OK', headers as HeaderList))))).toBe('3.2');
  });
  it('3.2 accepts empty and latin-1 values', async () => {
    const headers: HeaderList = [['X-Empty', ''], ['X-Latin', 'caf\xe9 au lait']];
    expect((await callApp(validator(answer([], '200 OK', headers)))).headers).toEqual(headers);
  });
  it('3.3 repeated fields pass through, in order', async () => {
    const headers: HeaderList = [['Set-Cookie', 'a=1'], ['X-A', '1'], ['Set-Cookie', 'b=2']];
    const { start, calls } = stubStart();
    validator(answer([], '200 OK', headers))(makeEnviron(), start);
    expect(calls[0]?.[1]).toBe(headers);
  });
  it.each(['Connection', 'keep-alive', 'Proxy-Connection', 'Transfer-Encoding', 'UPGRADE', 'TE', 'Trailer'])(
    '3.4 refuses %s',
    async (name) => {
      expect(await ruleOf(() => callApp(validator(answer([], '200 OK', [[name, 'x']]))))).toBe('3.4');
    },
  );
  it('3.5 a second call needs an error', async () => {
    const app: App = (_e, start) => { start('200 OK', []); start('404 Not Found', []); return []; };
    expect(await ruleOf(() => callApp(validator(app)))).toBe('3.5');
  });
  it('3.5 with an error, before the headers are sent, it replaces the response', async () => {
    const app: App = async (_e, start) => {
      start('200 OK', [['Content-Length', '100']]);
      return (async function* () {
        start('500 Internal Server Error', [['Content-Length', '4']], new Error('db down'));
        yield 'oops';
      })();
    };
    const result = await callApp(validator(app));
    expect([result.status, result.text]).toEqual(['500 Internal Server Error', 'oops']);
  });
  it('3.5 with an error, after the headers are sent, the server throws it back', async () => {
    const failure = new Error('half way');
    const start = ((_s: string, _h: HeaderList, error?: unknown) => {
      if (error !== undefined) throw error;
      return async () => {};
    }) as StartResponse;
    const app: App = async (_e, s) => {
      const write = s('200 OK', []);
      await write('partial');
      s('500 Internal Server Error', [], failure);
      return [];
    };
    await expect(validator(app)(makeEnviron(), start)).rejects.toBe(failure);
  });
  it('3.5 a server that does not throw it back is caught', async () => {
    const app: App = (_e, s) => (function* () {
      s('200 OK', []);
      yield 'partial';
      s('500 Internal Server Error', [], new Error('half way'));
    })();
    expect(await ruleOf(() => drain(validator(app)(makeEnviron(), stubStart().start)))).toBe('3.5');
  });
  it('3.6 the server’s startResponse returns a function', async () => {
    expect(await ruleOf(() => validator(hello)(makeEnviron(), stubStart('nope').start))).toBe('3.6');
  });
  it('3.6 the server’s write returns a Promise', async () => {
    const app: App = (_e, start) => { void start('200 OK', [])('x'); return []; };
    expect(await ruleOf(() => validator(app)(makeEnviron(), stubStart(() => undefined).start))).toBe('3.6');
  });
  it('3.6 no write after the body finished', async () => {
    let write: Write | undefined;
    const app: App = (_e, start) => { write = start('200 OK', []); return []; };
    await callApp(validator(app));
    expect(await ruleOf(() => write?.('late'))).toBe('3.6');
  });
  it('3.6 writes after the server stopped the body are still forwarded (discarded by the server)', async () => {
    const written: Chunk[] = [];
    let write: Write = async () => {};
    const app: App = (_e, start) => {
      write = start('200 OK', []);
      return (async function* () { yield 'a'; yield 'b'; })();
    };
    const body = (await validator(app)(makeEnviron(), stubStart(async (c: Chunk) => { written.push(c); }).start)) as AsyncIterable<Chunk>;
    const iterator = body[Symbol.asyncIterator]();
    await iterator.next();
    await iterator.return?.();
    await write('after');
    expect(written).toEqual(['after']);
  });
  it('3.7 an empty chunk before startResponse sends nothing; an empty array chunk flushes nothing', async () => {
    const app: App = async (_e, start) => {
      start('200 OK', []);
      start('503 Service Unavailable', [], new Error('later'));
      return ['', 'busy'];
    };
    expect((await callApp(validator(app))).status).toBe('503 Service Unavailable');
  });
  it('3.7 writing an empty chunk is a flush: the headers are sent, so a later replacement throws back', async () => {
    const failure = new Error('later');
    const app: App = async (_e, start) => {
      const write = start('200 OK', []);
      await write('');
      start('503 Service Unavailable', [], failure);
      return ['busy'];
    };
    await expect(callApp(validator(app))).rejects.toBe(failure);
  });
});

describe('4 the body', () => {
  let closed = 0;
  it.each([
    ['a string', 'hello'],
    ['a Uint8Array', new Uint8Array([104, 105])],
    ['undefined', undefined],
    ['a number', 42],
    ['a plain object', { body: 'x' }],
  ])('4.1 refuses %s as a body', async (_what, body) => {
    expect(await ruleOf(() => callApp(validator(answer(body))))).toBe('4.1');
    expect(await ruleOf(() => callApp(validator(async (e, s) => answer(body)(e, s))))).toBe('4.1');
  });
  it.each([
    ['a number', [42]],
    ['an ArrayBuffer', [new ArrayBuffer(2)]],
    ['null', (function* () { yield null; })()],
    ['an object', (async function* () { yield { text: 'x' }; })()],
  ])('4.2 refuses %s as a chunk', async (_what, body) => {
    expect(await ruleOf(() => callApp(validator(answer(body))))).toBe('4.2');
  });
  it('4.2 refuses a bad chunk given to write, before the server sees it', async () => {
    const written: unknown[] = [];
    const app: App = (_e, start) => { void start('200 OK', [])(7 as unknown as Chunk); return []; };
    expect(await ruleOf(() => validator(app)(makeEnviron(), stubStart(async (c: unknown) => { written.push(c); }).start))).toBe('4.2');
    expect(written).toEqual([]);
  });
  it('4.3 the validator pulls one chunk at a time, never ahead', async () => {
    let pulled = 0;
    const app = answer((function* () { for (;;) { pulled++; yield 'x'; } })());
    const body = validator(app)(makeEnviron(), stubStart().start) as Iterable<Chunk>;
    const iterator = body[Symbol.iterator]();
    iterator.next();
    iterator.next();
    expect(pulled).toBe(2);
  });
  it('4.3 a server must not ask for the next chunk before the last arrived', async () => {
    const slow = (async function* () { await new Promise((r) => setTimeout(r, 5)); yield 'a'; yield 'b'; })();
    const body = validator(answer(slow))(makeEnviron(), stubStart().start) as AsyncIterable<Chunk>;
    const iterator = body[Symbol.asyncIterator]();
    const first = iterator.next();
    expect(await ruleOf(() => iterator.next())).toBe('4.3');
    await first;
  });
  it.each([
    ['fewer bytes', ['hi'], [['Content-Length', '5']]],
    ['more bytes', ['hello', ' world'], [['Content-Length', '5']]],
    ['two Content-Length fields', ['hello'], [['Content-Length', '5'], ['content-length', '5']]],
    ['a Content-Length that is not digits', ['hello'], [['Content-Length', '5 bytes']]],
    ['a negative Content-Length', [], [['Content-Length', '-1']]],
  ])('4.4 refuses %s', async (_what, body, headers) => {
    expect(await ruleOf(() => callApp(validator(answer(body, '200 OK', headers as HeaderList))))).toBe('4.4');
  });
  it('4.4 counts UTF-8 bytes, not characters', async () => {
    expect((await callApp(validator(answer(['é€'], '200 OK', [['Content-Length', '5']])))).text).toBe('é€');
  });
  it('4.4 an overlong chunk never reaches the server', async () => {
    const body = validator(answer((function* () { yield 'hel'; yield 'lo!'; })(), '200 OK', [['Content-Length', '4']]))(
      makeEnviron(),
      stubStart().start,
    ) as Iterable<Chunk>;
    const iterator = body[Symbol.iterator]();
    expect(iterator.next().value).toBe('hel');
    expect(await ruleOf(() => iterator.next())).toBe('4.4');
  });
  it('4.4 counts writes too', async () => {
    const app: App = async (_e, start) => {
      const write = start('200 OK', [['Content-Length', '3']]);
      await write('abcd');
      return [];
    };
    expect(await ruleOf(() => callApp(validator(app)))).toBe('4.4');
  });
  it.each([
    ['HEAD', '200 OK'],
    ['GET', '304 Not Modified'],
    ['GET', '204 No Content'],
  ])('4.4 does not count a body that is not sent (4.6): %s %s', async (method, status) => {
    const app = answer([], status, [['Content-Length', '1234']]);
    expect(await ruleOf(() => callApp(validator(app), { REQUEST_METHOD: method }))).toBe('none');
  });
  it.each([
    ['sync', () => (function* () { try { yield 'a'; yield 'b'; } finally { closed++; } })()],
    ['async', () => (async function* () { try { yield 'a'; yield 'b'; } finally { closed++; } })()],
  ])('4.5 return() reaches the app’s %s iterator', async (_kind, make) => {
    closed = 0;
    const body = validator(answer(make()))(makeEnviron(), stubStart().start) as AsyncIterable<Chunk>;
    for await (const _ of body) break;
    expect(closed).toBe(1);
  });
  it('4.5 the validator closes the app’s iterator when it stops it on a broken rule', async () => {
    closed = 0;
    const body = (async function* () { try { yield 'a'; yield 3; yield 'c'; } finally { closed++; } })();
    expect(await ruleOf(() => callApp(validator(answer(body))))).toBe('4.2');
    expect(closed).toBe(1);
  });
});

describe('5 errors', () => {
  it('5.1 an error after the headers passes through as itself', async () => {
    const boom = new Error('mid-body');
    const app = answer((async function* () { yield 'partial'; throw boom; })());
    await expect(callApp(validator(app))).rejects.toBe(boom);
  });
});

describe('6.6 gateway.informational', () => {
  const sent: Array<[string, HeaderList]> = [];
  const informational = async (status: string, headers: HeaderList = []): Promise<void> => {
    sent.push([status, headers]);
  };
  const hinting =
    (status: unknown, headers?: unknown, after = false): App =>
    async (environ, start) => {
      if (after) await start('200 OK', [])('x');
      await environ['gateway.informational']?.(status as string, headers as HeaderList);
      if (!after) start('200 OK', []);
      return ['done'];
    };

  it('passes a 103 with Link fields through to the server', async () => {
    sent.length = 0;
    const overrides = { 'gateway.informational': informational } as Partial<Environ>;
    expect((await callApp(validator(hinting('103 Early Hints', [['Link', '</a.css>']])), overrides)).text).toBe('done');
    expect(sent).toEqual([['103 Early Hints', [['Link', '</a.css>']]]]);
  });
  it.each([
    ['101 Switching Protocols', undefined, false],
    ['200 OK', undefined, false],
    ['103 Early Hints', [['Link', 'a\r\nb']], false],
    ['103 Early Hints', [['Connection', 'close']], false],
    ['103 Early Hints', undefined, true],
  ])('refuses %j with headers %j (after the head: %s)', async (status, headers, after) => {
    const app = hinting(status, headers, after);
    const rule = await withEnviron({ 'gateway.informational': informational }, app);
    expect(['6.6', '3.2', '3.4']).toContain(rule);
  });
  it('refuses a server whose gateway.informational is not a function', async () => {
    expect(await withEnviron({ 'gateway.informational': 'yes' })).toBe('6.6');
  });
});
