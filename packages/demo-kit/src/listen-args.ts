// Where a demo app's native server listens, decided the way the gateway CLI decides it
// (`--host`, `--port`, else $HOST and $PORT, else 127.0.0.1:8888), so that `pnpm start` and
// `pnpm start:native` take the same arguments and can be compared on the same port.
import { parseArgs } from 'node:util';

export interface ListenArgs {
  host: string;
  port: number;
}

/** Parses `argv` (after the script name); throws an Error whose message says what to fix. */
export function parseListenArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): ListenArgs {
  // `pnpm start:native -- --port 9000` may pass the `--` through; it means nothing here.
  const args = argv.filter((arg, i) => !(arg === '--' && i === argv.indexOf('--')));
  const { values } = parseArgs({
    args,
    strict: true,
    options: { host: { type: 'string' }, port: { type: 'string' } },
  });
  const rawPort = values.port ?? env.PORT ?? '8888';
  if (!/^\d+$/.test(rawPort) || Number(rawPort) > 65535) {
    throw new Error(`--port must be a whole number from 0 to 65535, got "${rawPort}"`);
  }
  return { host: values.host ?? env.HOST ?? '127.0.0.1', port: Number(rawPort) };
}
