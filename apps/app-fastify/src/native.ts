// Serves the Fastify app with Fastify's own server (`listen`, node:http underneath), for comparison
// with the gateway: `pnpm start:native [--port N] [--host H]` ($PORT and $HOST too).
import { parseListenArgs } from '@gateway-interop/demo-kit';
import type { ListenArgs } from '@gateway-interop/demo-kit';
import { fastifyApp } from './app.ts';

function listenArgs(): ListenArgs {
  try {
    return parseListenArgs(process.argv.slice(2));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  }
}

const { host, port } = listenArgs();
try {
  const url = await fastifyApp.listen({ host, port });
  console.log(`Fastify on its own server at ${url}`);
} catch (error) {
  console.error(`cannot listen on ${host}:${port}: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void fastifyApp.close().then(() => process.exit(0)));
}
