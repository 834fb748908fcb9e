// Runs each exercise answer on a real gateway server (127.0.0.1, port 0) and checks that it does
// what the exercise asks.
import { serve } from '@gateway-interop/gateway';
import type { App, ServeHandle } from '@gateway-interop/gateway';
import { afterEach, describe, expect, it } from 'vitest';
import { app as created } from './created.ts';
import { app as dispatch } from './dispatcher.ts';
import { app as router405 } from './router-405.ts';

let handle: ServeHandle | null = null;
afterEach(async () => {
  await handle?.close();
  handle = null;
});

async function start(app: App): Promise<string> {
  handle = await serve(app, { port: 0, accessLog: false });
  return handle.url;
}

describe('exercise answers', () => {
  it('1: 201 Created with Location, the framing left to the server', async () => {
    const url = await start(created);
    const response = await fetch(`${url}/things`, { method: 'POST' });
    expect(response.status).toBe(201);
    expect(response.headers.get('location')).toBe('/things/1');
    expect(response.headers.get('content-length')).toBe('18');
    expect(await response.text()).toBe('created /things/1\n');
    expect(await (await fetch(`${url}/hello`)).text()).toBe(
      'Hello world from a bare gateway app!\n',
    );
  });

  it('3: a hand-written dispatcher sends each prefix to its app', async () => {
    const url = await start(dispatch);
    expect(await (await fetch(`${url}/express/hello`)).text()).toBe('Hello world from Express!');
    expect(await (await fetch(`${url}/hono/hello`)).text()).toBe('Hello world from Hono!');
    const missing = await fetch(`${url}/fastify/hello`);
    expect(missing.status).toBe(404);
    await missing.arrayBuffer();
  });

  it('6: the router answers 405 with Allow when only the method is wrong', async () => {
    const url = await start(router405);
    const wrong = await fetch(`${url}/hello`, { method: 'DELETE' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET, POST');
    await wrong.arrayBuffer();
    expect(await (await fetch(`${url}/hello/ada`)).text()).toBe('Hello, ada!\n');
    const made = await fetch(`${url}/hello`, { method: 'POST' });
    expect(made.status).toBe(201);
    await made.arrayBuffer();
    const nowhere = await fetch(`${url}/nowhere`);
    expect(nowhere.status).toBe(404);
    await nowhere.arrayBuffer();
  });
});
