// app-bare's routes, in-process through the validator and once over a real socket.
import { createHash } from 'node:crypto';
import { pseudoRandomBytes } from '@gateway-interop/demo-kit';
import { serve } from '@gateway-interop/gateway';
import { callApp } from '@gateway-interop/gateway/testing';
import { validator } from '@gateway-interop/gateway/validate';
import { describe, expect, it } from 'vitest';
import { app } from './app.ts';

const checked = validator(app);

describe('app-bare', () => {
  it('greets on /hello and 404s elsewhere', async () => {
    const hello = await callApp(checked, { PATH_INFO: '/hello' });
    expect(hello.status).toBe('200 OK');
    expect(hello.text).toBe('Hello world from a bare gateway app!\n');
    expect((await callApp(checked, { PATH_INFO: '/nope' })).statusCode).toBe(404);
  });

  it('echoes a body and parses JSON', async () => {
    const echo = await callApp(checked, { REQUEST_METHOD: 'POST', PATH_INFO: '/echo' }, { body: 'ping' });
    expect(echo.text).toBe('ping');
    const parsed = await callApp(checked, { REQUEST_METHOD: 'POST', PATH_INFO: '/json' }, { body: '{"a":[1,2]}' });
    expect(JSON.parse(parsed.text)).toEqual({ received: { a: [1, 2] } });
    const bad = await callApp(checked, { REQUEST_METHOD: 'POST', PATH_INFO: '/json' }, { body: '{' });
    expect(bad.statusCode).toBe(400);
  });

  it('sets two cookies, redirects, and serves deterministic bytes', async () => {
    const cookies = await callApp(checked, { PATH_INFO: '/cookies' });
    expect(cookies.headers.filter(([n]) => n === 'Set-Cookie').map(([, v]) => v)).toEqual(['a=1; Path=/', 'b=2; Path=/; HttpOnly']);
    const redirect = await callApp(checked, { PATH_INFO: '/redirect' });
    expect(redirect.statusCode).toBe(302);
    expect(redirect.headers).toContainEqual(['Location', '/hello']);
    const binary = await callApp(checked, { PATH_INFO: '/binary', QUERY_STRING: 'size=4096&seed=9' });
    expect(Buffer.from(binary.body)).toEqual(Buffer.from(pseudoRandomBytes(4096, 9)));
  });

  it('streams, shows what it sees, and fails loudly on /error over a real socket', async () => {
    const handle = await serve(checked, { host: '127.0.0.1', port: 0, errors: { write() {} } });
    try {
      const stream = await fetch(`${handle.url}/stream?n=3&ms=5`);
      expect(await stream.text()).toBe('chunk 1\nchunk 2\nchunk 3\n');
      const inspect = (await (await fetch(`${handle.url}/inspect?x=1`, { headers: { 'X-Test': 'yes' } })).json()) as Record<string, unknown>;
      expect(inspect).toMatchObject({ framework: 'bare', method: 'GET', path: '/inspect', query: { x: '1' }, remoteAddress: '127.0.0.1' });
      expect((inspect.headers as Record<string, string>)['x-test']).toBe('yes');
      expect((await fetch(`${handle.url}/error`)).status).toBe(500);
      const big = Buffer.from(pseudoRandomBytes(3_000_000, 5));
      const echoed = Buffer.from(await (await fetch(`${handle.url}/echo`, { method: 'POST', body: big })).arrayBuffer());
      expect(createHash('sha256').update(echoed).digest('hex')).toBe(createHash('sha256').update(big).digest('hex'));
    } finally {
      await handle.close();
    }
  });
});
