// Argument parsing shared by `gateway serve` and `gateway compare`: node:util's parseArgs, with
// the `--` that `pnpm start -- --port 9000` passes through ignored, and its long explanations cut
// to the first sentence as a UsageError (one line, exit code 2).
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { UsageError } from './load-app.ts';

export function parseCliArgs<T extends ParseArgsConfig>(config: T, argv: readonly string[], helpCommand: string): ReturnType<typeof parseArgs<T>> {
  const args = argv.filter((arg, i) => !(arg === '--' && i === argv.indexOf('--')));
  try {
    return parseArgs({ ...config, args }) as ReturnType<typeof parseArgs<T>>;
  } catch (error) {
    const first = error instanceof Error ? error.message.split(/\.\s/)[0]! : String(error);
    throw new UsageError(`${first.replace(/\.$/, '')} (see ${helpCommand})`);
  }
}
