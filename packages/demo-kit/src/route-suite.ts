// The routes every demo app shares, as one test suite each app runs against its own gateway
// callable (in process, through the validator): one list of expectations instead of a copy per
// framework, the way srvx runs one suite against every runtime. Framework-specific behaviour
// (error pages, charset spellings) stays in each app's own tests.
import { createHash } from 'node:crypto';
import type { App, HeaderList } from '@gateway-interop/gateway';
import { callApp } from '@gateway-interop/gateway/testing';
import { validator } from '@gateway-interop/gateway/validate';
import { describe, expect, it } from 'vitest';
import { pseudoRandomBytes } from './pseudo-random-bytes.ts';

const valuesOf = (headers: HeaderList, name: string): string[] =>
  headers.filter(([n]) => n.toLowerCase() === name).map(([, v]) => v);
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

export interface SharedRoutesSubject {
  /** The app as a gateway callable, e.g. `fromExpress(expressApp)`. */
  app: App;
  /** What `/inspect` reports as `framework`, e.g. `express`. */
  framework: string;
  /** The exact `/hello` body, e.g. `Hello world from Express!`. */
  greeting: string;
}

export function describeSharedRoutes({ app, framework, greeting }: SharedRoutesSubject): void {
  const checked = validator(app);

  describe(`${framework}: the shared demo routes`, () => {
    it('GET /hello answers the greeting', async () => {
      const result = await callApp(checked, { PATH_INFO: '/hello' });
      expect(result.status).toBe('200 OK');
      expect(result.text).toBe(greeting);
    });

    it('GET /cookies sets two cookies', async () => {
      const result = await callApp(checked, { PATH_INFO: '/cookies' });
      expect(valuesOf(result.headers, 'set-cookie')).toEqual(['a=1; Path=/', 'b=2; Path=/; HttpOnly']);
      expect(result.text).toBe('two cookies');
    });

    it('GET /stream sends n chunks; a bad n is a 400', async () => {
      const result = await callApp(checked, { PATH_INFO: '/stream', QUERY_STRING: 'n=3&ms=1' });
      expect(result.text).toBe('chunk 1\nchunk 2\nchunk 3\n');
      expect((await callApp(checked, { PATH_INFO: '/stream', QUERY_STRING: 'n=lots' })).statusCode).toBe(400);
    });

    it('GET /binary sends the demo-kit bytes', async () => {
      const result = await callApp(checked, { PATH_INFO: '/binary', QUERY_STRING: 'size=100003&seed=7' });
      expect(sha256(result.body)).toBe(sha256(pseudoRandomBytes(100003, 7)));
    });

    it('POST /echo keeps the body and its type, octet-stream when untyped', async () => {
      const typed = await callApp(
        checked,
        { REQUEST_METHOD: 'POST', PATH_INFO: '/echo' },
        { body: 'échos', headers: { 'Content-Type': 'text/plain; charset=utf-8' } },
      );
      expect(typed.text).toBe('échos');
      expect(valuesOf(typed.headers, 'content-type')).toEqual(['text/plain; charset=utf-8']);
      const untyped = await callApp(checked, { REQUEST_METHOD: 'POST', PATH_INFO: '/echo' }, { body: 'x' });
      expect(valuesOf(untyped.headers, 'content-type')).toEqual(['application/octet-stream']);
    });

    it('/inspect shows the request as the framework sees it', async () => {
      const result = await callApp(
        checked,
        { REQUEST_METHOD: 'PUT', PATH_INFO: '/inspect', QUERY_STRING: 'a=1&b=two', REMOTE_ADDR: '10.1.2.3' },
        { headers: { 'X-Demo': 'yes' } },
      );
      expect(JSON.parse(result.text)).toEqual({
        framework,
        method: 'PUT',
        path: '/inspect',
        query: { a: '1', b: 'two' },
        headers: { host: 'localhost', 'x-demo': 'yes' },
        remoteAddress: '10.1.2.3',
      });
    });
  });
}
