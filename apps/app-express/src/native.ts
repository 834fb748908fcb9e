// Serves the Express app with Express's own server (`app.listen`, node:http underneath), for
// comparison with the gateway: `pnpm start:native [--port N] [--host H]` ($PORT and $HOST too).
import { parseListenArgs } from '@gateway-interop/demo-kit';
import type { ListenArgs } from '@gateway-interop/demo-kit';
import { expressApp } from './app.ts';

function listenArgs(): ListenArgs {
  try {
    return parseListenArgs(process.argv.slice(2));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  }
}

const where = listenArgs();

const server = expressApp.listen(where.port, where.host, (error?: Error) => {
  if (error) {
    console.error(`cannot listen on ${where.host}:${where.port}: ${error.message}`);
    process.exit(1);
  }
  const address = server.address();
  const shown = typeof address === 'object' && address !== null ? address : { address: where.host, port: where.port, family: 'IPv4' };
  const host = shown.family === 'IPv6' ? `[${shown.address}]` : shown.address;
  console.log(`Express on its own server at http://${host}:${shown.port}`);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => server.close(() => process.exit(0)));
}
