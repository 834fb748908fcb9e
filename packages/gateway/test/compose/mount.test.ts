// mount() over a real socket (SPEC section 7): the raw request bytes go out exactly as written, so
// encoded separators and dot segments reach the dispatcher as a client could send them.
import { afterAll, describe, expect, it } from 'vitest';
import { mount } from '../../src/compose/mount.ts';
import { callApp } from '../../src/testing/testing.ts';
import type { App } from '../../src/types.ts';
import { RawClient, closeAll, request, start } from '../helpers.ts';

/** An app that answers with its name and the path keys it was given. */
function echo(name: string): App {
  return (environ, startResponse) => {
    startResponse('200 OK', [['Content-Type', 'application/json']]);
    const { SCRIPT_NAME, PATH_INFO, QUERY_STRING, REQUEST_URI } = environ;
    return [JSON.stringify({ name, SCRIPT_NAME, PATH_INFO, QUERY_STRING, REQUEST_URI })];
  };
}

const app = mount({
  '/express': echo('express'),
  '/api': echo('api'),
  '/api/v1': echo('api/v1'),
  '/my app': echo('spaced'),
  '/nested': mount({ '/inner': echo('inner'), '/': echo('nested-root') }),
});
const withRoot = mount({ '/express': echo('express'), '/': echo('site') });

afterAll(closeAll);

async function get(target: string, served: App = app): Promise<{ status: number; json: Record<string, string> | null; text: string }> {
  const { port } = await start(served);
  const client = await RawClient.connect(port);
  await client.write(request('GET', target));
  const [response] = await client.responses(1);
  client.close();
  const text = response!.body.toString('utf8');
  return { status: response!.status, json: response!.status === 200 ? (JSON.parse(text) as Record<string, string>) : null, text };
}

describe('mount() over a socket', () => {
  it('7.3 moves the matched prefix from PATH_INFO to SCRIPT_NAME; REQUEST_URI stays as sent', async () => {
    const { json } = await get('/express/hello?x=1');
    expect(json).toEqual({ name: 'express', SCRIPT_NAME: '/express', PATH_INFO: '/hello', QUERY_STRING: 'x=1', REQUEST_URI: '/express/hello?x=1' });
  });

  it('7.3 the longest prefix wins, counted in whole segments', async () => {
    expect((await get('/api/v1/users')).json).toMatchObject({ name: 'api/v1', SCRIPT_NAME: '/api/v1', PATH_INFO: '/users' });
    expect((await get('/api/v2/users')).json).toMatchObject({ name: 'api', SCRIPT_NAME: '/api', PATH_INFO: '/v2/users' });
    expect((await get('/apiary')).status).toBe(404);
  });

  it('7.4 the prefix without a trailing slash reaches the app with PATH_INFO empty', async () => {
    expect((await get('/express')).json).toMatchObject({ name: 'express', SCRIPT_NAME: '/express', PATH_INFO: '' });
  });

  it('7.4 an empty remainder after the slash is PATH_INFO "/"', async () => {
    expect((await get('/express/')).json).toMatchObject({ SCRIPT_NAME: '/express', PATH_INFO: '/' });
  });

  it('7.5 a query string right after the prefix stays the query', async () => {
    expect((await get('/express?a=b/c')).json).toMatchObject({ SCRIPT_NAME: '/express', PATH_INFO: '', QUERY_STRING: 'a=b/c' });
  });

  it('7.6 no match and no root app: a 404 from the dispatcher, naming the mounts', async () => {
    const { status, text } = await get('/nothing/here');
    expect(status).toBe(404);
    expect(text).toContain('/express');
  });

  it('7.6 the root app takes what no other prefix matches, environ untouched', async () => {
    expect((await get('/expressive', withRoot)).json).toMatchObject({ name: 'site', SCRIPT_NAME: '', PATH_INFO: '/expressive' });
    expect((await get('/', withRoot)).json).toMatchObject({ name: 'site', PATH_INFO: '/' });
  });

  it('7.3 an encoded slash is data inside a segment, never a separator', async () => {
    expect((await get('/express%2Fhello')).status).toBe(404);
    expect((await get('/api%2Fv1/users')).json).toBeNull();
    expect((await get('/api/v1%2Fusers')).json).toMatchObject({ name: 'api', PATH_INFO: '/v1/users' });
  });

  it('7.3 encoded dot segments cannot cross from one mount into another', async () => {
    expect((await get('/api/%2e%2e/express/hello')).json).toMatchObject({ name: 'api', SCRIPT_NAME: '/api', PATH_INFO: '/../express/hello' });
    expect((await get('/api/../express/hello')).json).toMatchObject({ name: 'api', PATH_INFO: '/../express/hello' });
    expect((await get('/%2e%2e/express/hello', withRoot)).json).toMatchObject({ name: 'site', SCRIPT_NAME: '' });
  });

  it('7.3 a segment matches by its decoded value: encoded letters and spaces', async () => {
    expect((await get('/%65xpress/x')).json).toMatchObject({ name: 'express', SCRIPT_NAME: '/express', PATH_INFO: '/x' });
    expect((await get('/my%20app/a%20b')).json).toMatchObject({ name: 'spaced', SCRIPT_NAME: '/my app', PATH_INFO: '/a b' });
  });

  it('7.3 mounts nest: SCRIPT_NAME grows by each prefix', async () => {
    expect((await get('/nested/inner/x')).json).toMatchObject({ name: 'inner', SCRIPT_NAME: '/nested/inner', PATH_INFO: '/x' });
    expect((await get('/nested/other')).json).toMatchObject({ name: 'nested-root', SCRIPT_NAME: '/nested', PATH_INFO: '/other' });
  });

  it('7.3 absolute-form targets are routed on their path', async () => {
    expect((await get('http://test/express/hello')).json).toMatchObject({ name: 'express', PATH_INFO: '/hello' });
  });
});

describe('mount() in process: the path below the mount point', () => {
  it('7.2 is read from the raw target, so a decoded PATH_INFO alone cannot route through %2F', async () => {
    const result = await callApp(app, { PATH_INFO: '/express/hello', REQUEST_URI: '/express%2Fhello' });
    expect(result.status).toBe('404 Not Found');
  });

  it('7.2 is PATH_INFO encoded again once a middleware rewrote it away from REQUEST_URI', async () => {
    const result = await callApp(app, { PATH_INFO: '/express/hello', REQUEST_URI: '/rewritten?x=1' });
    expect(JSON.parse(result.text)).toEqual({
      name: 'express',
      SCRIPT_NAME: '/express',
      PATH_INFO: '/hello',
      QUERY_STRING: '',
      REQUEST_URI: '/rewritten?x=1',
    });
  });
});

describe('mount() table', () => {
  it('7.1 refuses prefixes that are not plain decoded paths', () => {
    for (const bad of ['express', '/express/', '/a//b', '/a/../b', '/a?x', '/a%20b', '/./a']) {
      expect(() => mount({ [bad]: echo('x') }), bad).toThrow(TypeError);
    }
  });

  it('7.1 refuses two names for one place, and values that are not apps', () => {
    expect(() => mount({ '': echo('a'), '/': echo('b') })).toThrow(/same place/);
    expect(() => mount({ '/a': 'nope' as unknown as App })).toThrow(/not a gateway callable/);
  });
});
