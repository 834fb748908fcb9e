// Each framework mounted under a prefix by the gateway's dispatcher (SPEC 7) sees the URLs it would
// see mounted its own way: the path below the mount to route on, and for Express the baseUrl and
// originalUrl its router keeps. Driven through the server over a real socket, encoded bytes intact.
import { mount, serve } from '@gateway-interop/gateway';
import type { ServeHandle } from '@gateway-interop/gateway';
import { validator } from '@gateway-interop/gateway/validate';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { fromExpress } from './express.ts';
import { fromFastify } from './fastify.ts';
import { fromHono } from './hono.ts';

const expressApp = express();
expressApp.get('/users/:id', (req, res) => {
  res.json({ url: req.url, baseUrl: req.baseUrl, originalUrl: req.originalUrl, path: req.path, id: req.params.id });
});
expressApp.get('/', (req, res) => {
  res.json({ url: req.url, baseUrl: req.baseUrl, originalUrl: req.originalUrl });
});
expressApp.get('/go', (req, res) => res.redirect(`${req.baseUrl}/users/1`));

const fastifyApp = Fastify();
fastifyApp.get('/users/:id', async (request) => ({ url: request.url, id: (request.params as { id: string }).id }));

const honoApp = new Hono();
honoApp.get('/users/:id', (c) => c.json({ url: c.req.url, path: c.req.path, id: c.req.param('id') }));

let handle: ServeHandle;
beforeAll(async () => {
  await fastifyApp.ready();
  const app = mount({ '/express': fromExpress(expressApp), '/fastify': fromFastify(fastifyApp), '/hono': fromHono(honoApp) });
  handle = await serve(validator(app), { host: '127.0.0.1', port: 0, accessLog: false, errors: { write() {} } });
});
afterAll(() => handle.close());

const get = async (path: string): Promise<Response> => fetch(`${handle.url}${path}`, { redirect: 'manual' });
const json = async (path: string): Promise<unknown> => (await get(path)).json();

describe('mounted frameworks', () => {
  test('Express: req.url below the mount, baseUrl and originalUrl as app.use would set them', async () => {
    expect(await json('/express/users/a%20b?x=1')).toEqual({
      url: '/users/a%20b?x=1',
      baseUrl: '/express',
      originalUrl: '/express/users/a%20b?x=1',
      path: '/users/a%20b',
      id: 'a b',
    });
  });

  test('Express: the mount point itself is `/` to the app', async () => {
    expect(await json('/express?q=1')).toEqual({ url: '/?q=1', baseUrl: '/express', originalUrl: '/express?q=1' });
  });

  test('Express: a redirect built on req.baseUrl carries the prefix', async () => {
    const response = await get('/express/go');
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/express/users/1');
  });

  test('Fastify: request.url is the raw path below the mount', async () => {
    expect(await json('/fastify/users/a%2Fb?x=1')).toEqual({ url: '/users/a%2Fb?x=1', id: 'a/b' });
  });

  test('Hono: the request URL carries the path below the mount, raw', async () => {
    expect(await json('/hono/users/%C3%A9?x=1')).toEqual({ url: `${handle.url}/users/%C3%A9?x=1`, path: '/users/é', id: 'é' });
  });
});
