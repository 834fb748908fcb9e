// Serves the Hono app with Hono's own Node server, for comparison with the gateway:
// `pnpm start:native [--port N] [--host H]` (PORT from the environment also works).
import { parseArgs } from 'node:util';
import { serve } from '@hono/node-server';
import { honoApp } from './app.ts';

const { values } = parseArgs({
  options: { port: { type: 'string' }, host: { type: 'string' } },
  strict: true,
});
const port = Number(values.port ?? process.env.PORT ?? 8888);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be a whole number from 0 to 65535, got ${values.port ?? process.env.PORT}`);
  process.exit(2);
}
const hostname = values.host ?? '127.0.0.1';

const server = serve({ fetch: honoApp.fetch, port, hostname }, (info) => {
  const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
  console.log(`Hono on @hono/node-server at http://${host}:${info.port}`);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => server.close(() => process.exit(0)));
}
