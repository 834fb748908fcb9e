// The Fastify demo app through the gateway interface, in process and checked by the validator:
// the routes every demo app shares answer as they should.
import { createHash } from 'node:crypto';
import { pseudoRandomBytes } from '@gateway-interop/demo-kit';
import type { HeaderList } from '@gateway-interop/gateway';
import { callApp } from '@gateway-interop/gateway/testing';
import { validator } from '@gateway-interop/gateway/validate';
import { afterAll, describe, expect, it } from 'vitest';
import { app, fastifyApp } from './app.ts';

const checked = validator(app);
const valuesOf = (headers: HeaderList, name: string): string[] =>
  headers.filter(([n]) => n.toLowerCase() === name).map(([, v]) => v);
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

afterAll(() => fastifyApp.close());

describe('app-fastify', () => {
  it('GET /hello answers the greeting', async () => {
    const result = await callApp(checked, { PATH_INFO: '/hello' });
    expect(result.status).toBe('200 OK');
    expect(result.text).toBe('Hello world from Fastify!');
  });

  it('GET /cookies sets two cookies', async () => {
    const result = await callApp(checked, { PATH_INFO: '/cookies' });
    expect(valuesOf(result.headers, 'set-cookie')).toEqual(['a=1; Path=/', 'b=2; Path=/; HttpOnly']);
    expect(result.text).toBe('two cookies');
  });

  it('GET /stream sends n chunks; a bad n is a 400', async () => {
    expect((await callApp(checked, { PATH_INFO: '/stream', QUERY_STRING: 'n=3&ms=1' })).text).toBe('chunk 1\nchunk 2\nchunk 3\n');
    expect((await callApp(checked, { PATH_INFO: '/stream', QUERY_STRING: 'n=lots' })).statusCode).toBe(400);
  });

  it('GET /binary sends the demo-kit bytes', async () => {
    const result = await callApp(checked, { PATH_INFO: '/binary', QUERY_STRING: 'size=100003&seed=7' });
    expect(sha256(result.body)).toBe(sha256(pseudoRandomBytes(100003, 7)));
  });

  it('POST /echo keeps the body and its type', async () => {
    const result = await callApp(
      checked,
      { REQUEST_METHOD: 'POST', PATH_INFO: '/echo' },
      { body: 'échos', headers: { 'Content-Type': 'text/plain; charset=utf-8' } },
    );
    expect(result.text).toBe('échos');
    expect(valuesOf(result.headers, 'content-type')).toEqual(['text/plain; charset=utf-8']);
  });

  it('/inspect shows the request as Fastify sees it', async () => {
    const result = await callApp(
      checked,
      { REQUEST_METHOD: 'PUT', PATH_INFO: '/inspect', QUERY_STRING: 'a=1&b=two', REMOTE_ADDR: '10.1.2.3' },
      { headers: { 'X-Demo': 'yes' } },
    );
    expect(JSON.parse(result.text)).toEqual({
      framework: 'fastify',
      method: 'PUT',
      path: '/inspect',
      query: { a: '1', b: 'two' },
      headers: { host: 'localhost', 'x-demo': 'yes' },
      remoteAddress: '10.1.2.3',
    });
  });
});
