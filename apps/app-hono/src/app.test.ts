// The Hono demo app's routes: in-process through the gateway interface (with the validator), then
// over a socket under the gateway server and under @hono/node-server, compared answer by answer.
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import type { ServerType } from '@hono/node-server';
import { pseudoRandomBytes } from '@gateway-interop/demo-kit';
import { describeSharedRoutes } from '@gateway-interop/demo-kit/route-suite';
import { serve } from '@gateway-interop/gateway';
import type { HeaderList } from '@gateway-interop/gateway';
import { callApp } from '@gateway-interop/gateway/testing';
import { validator } from '@gateway-interop/gateway/validate';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { app, honoApp } from './app.ts';

describeSharedRoutes({ app, framework: 'hono', greeting: 'Hello world from Hono!' });

const checked = validator(app);

function valuesOf(headers: HeaderList, name: string): string[] {
  return headers.filter(([n]) => n.toLowerCase() === name).map(([, v]) => v);
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('app-hono in-process', () => {
  test('GET /stream is text/plain with Hono’s charset spelling', async () => {
    const result = await callApp(checked, { PATH_INFO: '/stream', QUERY_STRING: 'n=1&ms=1' });
    expect(valuesOf(result.headers, 'content-type')).toEqual(['text/plain; charset=UTF-8']);
  });

  test('GET /redirect is a 302 to /hello', async () => {
    const result = await callApp(checked, { PATH_INFO: '/redirect' });
    expect(result.status).toBe('302 Found');
    expect(valuesOf(result.headers, 'location')).toEqual(['/hello']);
  });

  test('GET /error is Hono’s own 500', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const result = await callApp(checked, { PATH_INFO: '/error' });
    expect(result.status).toBe('500 Internal Server Error');
    expect(result.text).toBe('Internal Server Error');
  });

  test('POST /json echoes what c.req.json() parsed; bad JSON is a 400', async () => {
    const result = await callApp(
      checked,
      { REQUEST_METHOD: 'POST', PATH_INFO: '/json' },
      { body: '{"n":[1,2,3]}', headers: { 'Content-Type': 'application/json' } },
    );
    expect(JSON.parse(result.text)).toEqual({ received: { n: [1, 2, 3] } });
    const bad = await callApp(
      checked,
      { REQUEST_METHOD: 'POST', PATH_INFO: '/json' },
      { body: '{nope', headers: { 'Content-Type': 'application/json' } },
    );
    expect(bad.statusCode).toBe(400);
    expect(JSON.parse(bad.text)).toEqual({ error: 'the body is not valid JSON' });
  });

});

/** One request's answer, reduced to what should match across servers. */
async function sample(url: string, init?: RequestInit): Promise<Record<string, unknown>> {
  const response = await fetch(url, { redirect: 'manual', ...init });
  const body = new Uint8Array(await response.arrayBuffer());
  return {
    status: response.status,
    statusText: response.statusText,
    contentType: response.headers.get('content-type'),
    location: response.headers.get('location'),
    cookies: response.headers.getSetCookie(),
    bodyHash: sha256(body),
  };
}

describe('app-hono over a socket: gateway and @hono/node-server agree', () => {
  test('every route', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const gateway = await serve(checked, { host: '127.0.0.1', port: 0 });
    // Keep Node's own Request/Response in this process, so the gateway run is not affected.
    const native: ServerType = createAdaptorServer({ fetch: honoApp.fetch, overrideGlobalObjects: false });
    await new Promise<void>((resolve) => native.listen(0, '127.0.0.1', resolve));
    const nativeUrl = `http://127.0.0.1:${(native.address() as AddressInfo).port}`;
    const upload = pseudoRandomBytes(5 * 1024 * 1024 + 1, 42) as Uint8Array<ArrayBuffer>;
    const cases: Array<[string, RequestInit?]> = [
      ['/hello'],
      ['/echo', { method: 'POST', body: upload, headers: { 'content-type': 'application/x-demo' } }],
      ['/stream?n=3&ms=5'],
      ['/cookies'],
      ['/redirect'],
      ['/error'],
      ['/json', { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } }],
      ['/binary?size=65537&seed=3'],
      ['/missing'],
      ['/hello', { method: 'HEAD' }],
    ];
    try {
      for (const [path, init] of cases) {
        const [viaGateway, viaNative] = [await sample(gateway.url + path, init), await sample(nativeUrl + path, init)];
        expect({ path, ...viaGateway }).toEqual({ path, ...viaNative });
      }
      const inspect = async (base: string): Promise<Record<string, unknown>> =>
        (await fetch(`${base}/inspect?x=1`)).json() as Promise<Record<string, unknown>>;
      const [fromGateway, fromNative] = [await inspect(gateway.url), await inspect(nativeUrl)];
      expect(fromGateway).toMatchObject({ method: 'GET', path: '/inspect', query: { x: '1' } });
      expect(fromGateway.remoteAddress).toBe(fromNative.remoteAddress);
    } finally {
      await gateway.close();
      await new Promise((resolve) => native.close(resolve));
    }
  });
});
