// The demo routes written the Hono way, with no gateway code in them: the same app runs under
// @hono/node-server (native.ts) and under the gateway (the last line), the way a Flask app runs
// under its dev server or any WSGI server. Every demo app answers these routes identically.
import { getConnInfo } from '@hono/node-server/conninfo';
import { MAX_BINARY_SIZE, pseudoRandomBytes } from '@gateway-interop/demo-kit';
import { fromHono } from '@gateway-interop/adapters/hono';
import { Hono } from 'hono';
import type { Context } from 'hono';
import { setCookie } from 'hono/cookie';
import { streamText } from 'hono/streaming';

export const honoApp = new Hono();

/** A whole number from the query, `fallback` when absent, `undefined` when malformed or too big. */
function wholeNumber(c: Context, name: string, fallback: number, max: number): number | undefined {
  const raw = c.req.query(name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) return undefined;
  const value = Number(raw);
  return value <= max ? value : undefined;
}

honoApp.get('/hello', (c) => c.text('Hello world from Hono!'));

// The request stream becomes the response stream: nothing is buffered, whatever the size.
honoApp.post('/echo', (c) =>
  c.body(c.req.raw.body ?? '', 200, {
    'Content-Type': c.req.header('content-type') ?? 'application/octet-stream',
  }),
);

honoApp.get('/stream', (c) => {
  const n = wholeNumber(c, 'n', 5, 10_000);
  const ms = wholeNumber(c, 'ms', 100, 60_000);
  if (n === undefined || ms === undefined) return c.text('n and ms must be whole numbers\n', 400);
  return streamText(c, async (stream) => {
    for (let i = 1; i <= n && !stream.aborted; i++) {
      if (i > 1) await stream.sleep(ms);
      await stream.write(`chunk ${i}\n`);
    }
  });
});

honoApp.get('/cookies', (c) => {
  setCookie(c, 'a', '1', { path: '/' });
  setCookie(c, 'b', '2', { path: '/', httpOnly: true });
  return c.text('two cookies');
});

honoApp.get('/redirect', (c) => c.redirect('/hello'));

honoApp.get('/error', () => {
  throw new Error('boom');
});

// getConnInfo from @hono/node-server is Hono's documented way on Node; fromHono passes the peer
// address in the same shape, so this route is unchanged under either server.
honoApp.all('/inspect', (c) =>
  c.json({
    framework: 'hono',
    method: c.req.method,
    path: c.req.path,
    query: c.req.query(),
    headers: c.req.header(),
    remoteAddress: getConnInfo(c).remote.address ?? null,
  }),
);

honoApp.post('/json', async (c) => {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    return c.json({ error: 'the body is not valid JSON' }, 400);
  }
  return c.json({ received: body });
});

honoApp.get('/binary', (c) => {
  const size = wholeNumber(c, 'size', 1024, MAX_BINARY_SIZE);
  const seed = wholeNumber(c, 'seed', 1, 0xffffffff);
  if (size === undefined || seed === undefined) {
    return c.text(`size must be a whole number up to ${MAX_BINARY_SIZE}, seed a whole number\n`, 400);
  }
  // pseudoRandomBytes allocates a fresh ArrayBuffer; Hono's types want that said out loud.
  const bytes = pseudoRandomBytes(size, seed) as Uint8Array<ArrayBuffer>;
  return c.body(bytes, 200, { 'Content-Type': 'application/octet-stream' });
});

export const app = fromHono(honoApp);
