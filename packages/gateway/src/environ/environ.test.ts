// buildEnviron against a plain reading of SPEC rules 2.1–2.3, for both engines: the reference
// writes the keys one by one after a plain literal (environ.ts); the environ-shapes trick writes
// them with a literal made per sequence of header names (_environ-shape.ts), and past a bound on
// sequences falls back to the reference. Whichever path a request takes, the environ is the same.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildEnviron } from './environ.ts';
import type { MakeEnviron, ServerInfo } from './environ.ts';
import { shapedEnviron } from './_environ-shape.ts';
import { headerName } from '../http/_header-names.ts';
import type { RequestHead } from '../http/parser.ts';
import type { ResponseWriter } from '../cycle/response-writer.ts';
import type { Input } from '../types.ts';

const info: ServerInfo = { serverName: '127.0.0.1', serverPort: '8080', urlScheme: 'http', multiprocess: false, errors: { write() {} }, trust: null };
const input: Input = { async *[Symbol.asyncIterator]() {} };
const controller = new AbortController();
const writer = { signal: controller.signal } as unknown as ResponseWriter;

function head(target: string, raw: string[]): RequestHead {
  const names = raw.filter((_, i) => i % 2 === 0).map(headerName);
  return { method: 'GET', target, minor: 1, rawHeaders: raw, names, contentLength: -1, keepAlive: true, expectContinue: false };
}

/** The header keys as SPEC rule 2.3 words them, in the order their names first appear. */
function expectedKeys(raw: string[]): Array<[string, string]> {
  const keys = new Map<string, string>();
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.includes('_')) continue;
    const lower = name.toLowerCase();
    const key = lower === 'content-type' ? 'CONTENT_TYPE' : lower === 'content-length' ? 'CONTENT_LENGTH' : `HTTP_${name.toUpperCase().replaceAll('-', '_')}`;
    const earlier = keys.get(key);
    keys.set(key, earlier === undefined ? raw[i + 1]! : `${earlier}${lower === 'cookie' ? '; ' : ', '}${raw[i + 1]}`);
  }
  return [...keys];
}

const plain = (raw: string[]): ReturnType<MakeEnviron> => buildEnviron(head('/p?q', raw), '10.0.0.1', '5000', info, input, writer);

const FIXED = ['REQUEST_METHOD', 'SCRIPT_NAME', 'PATH_INFO', 'QUERY_STRING', 'REQUEST_URI', 'SERVER_NAME', 'SERVER_PORT', 'SERVER_PROTOCOL', 'REMOTE_ADDR', 'REMOTE_PORT', 'gateway.version', 'gateway.url_scheme', 'gateway.input', 'gateway.errors', 'gateway.multithread', 'gateway.multiprocess', 'gateway.run_once', 'gateway.raw_headers', 'gateway.informational'];

const fieldName = fc.oneof(
  fc.constantFrom('Host', 'host', 'Accept', 'Cookie', 'cookie', 'Content-Type', 'Content-Length', 'X-Forwarded-For', 'X_Forwarded_For', 'User-Agent', 'A'),
  fc.string({ unit: fc.constantFrom(...'abcXYZ09-_!#$%&\'*+.^`|~'), minLength: 1, maxLength: 8 }),
);
const fields = fc.array(fc.tuple(fieldName, fc.string({ unit: fc.constantFrom(...'ab ,;=1\u00e9'), maxLength: 6 })), { maxLength: 10 });

describe.each([
  ['reference', buildEnviron],
  ['environ-shapes', shapedEnviron],
])('buildEnviron (%s)', (_engine, buildEnviron) => {
  it('has the fixed keys, then one key per field name in first-seen order, repeats joined (rule 2.3)', () => {
    // 2,000 runs make far more than the 256 sequences kept, so both ways of writing the keys run.
    fc.assert(
      fc.property(fields, (pairs) => {
        const raw = pairs.flat();
        const environ = buildEnviron(head('/a%20b?x=1', raw), '10.0.0.1', '5000', info, input, writer) as unknown as Record<string, unknown>;
        const expected = expectedKeys(raw);
        expect(Object.keys(environ)).toEqual([...FIXED, ...expected.map(([key]) => key), 'gateway.signal']);
        for (const [key, value] of expected) expect(environ[key]).toBe(value);
        expect(environ['gateway.raw_headers']).toBe(raw);
      }),
      { numRuns: 2000 },
    );
  });

  it('writes the same environ as the other engine, key for key and in the same order', () => {
    fc.assert(
      fc.property(fields, (pairs) => {
        const raw = pairs.flat();
        const mine = buildEnviron(head('/p?q', raw), '10.0.0.1', '5000', info, input, writer);
        const reference = buildEnviron === shapedEnviron ? plain(raw) : shapedEnviron(head('/p?q', raw), '10.0.0.1', '5000', info, input, writer);
        expect(Object.entries(mine)).toEqual(Object.entries(reference));
        expect(Object.getOwnPropertySymbols(mine)).toHaveLength(1); // the writer, for gateway.signal and informational
      }),
      { numRuns: 300 },
    );
  });

  it('fills the fixed keys from the request, the connection and the server', () => {
    const raw = ['Host', 'example.test', 'Cookie', 'a=1', 'cookie', 'b=2'];
    const environ = buildEnviron(head('/caf%C3%A9?q=%20', raw), '10.0.0.1', '5000', info, input, writer);
    expect(environ).toMatchObject({
      REQUEST_METHOD: 'GET',
      SCRIPT_NAME: '',
      PATH_INFO: '/café',
      QUERY_STRING: 'q=%20',
      REQUEST_URI: '/caf%C3%A9?q=%20',
      SERVER_NAME: '127.0.0.1',
      SERVER_PORT: '8080',
      SERVER_PROTOCOL: 'HTTP/1.1',
      REMOTE_ADDR: '10.0.0.1',
      REMOTE_PORT: '5000',
      HTTP_HOST: 'example.test',
      HTTP_COOKIE: 'a=1; b=2',
      'gateway.url_scheme': 'http',
      'gateway.multithread': false,
      'gateway.multiprocess': false,
      'gateway.run_once': false,
    });
    expect(environ['gateway.version']).toEqual([1, 0]);
    expect(environ['gateway.input']).toBe(input);
    expect(environ['gateway.signal']).toBe(controller.signal);
    // A copy keeps the signal: it is an own, enumerable property.
    expect({ ...environ }['gateway.signal']).toBe(controller.signal);
  });
});
