// The long differential fuzzing run (`pnpm --filter @gateway-interop/gateway fuzz:long`): the CI
// test's property with many more cases. FUZZ_RUNS sets the number of cases (default 20000),
// FUZZ_SEED replays a run, FUZZ_NO_SHRINK=1 reports the first failure as found. It stops at the
// first unexplained disagreement. FUZZ_SERVER=<path to a server.ts> fuzzes another build of the
// gateway (an older commit checked out elsewhere, say) against the same node:http.
import fc from 'fast-check';
import { serve } from '../src/server/server.ts';
import { startTargets } from '../test/fuzz/_differential.ts';
import { group } from '../test/fuzz/_requests.ts';
import { checkGroup, formatStats, newStats } from '../test/fuzz/_run.ts';

const runs = Number(process.env.FUZZ_RUNS ?? 20_000);
const seed = process.env.FUZZ_SEED === undefined ? Date.now() : Number(process.env.FUZZ_SEED);
const serveGateway: typeof serve =
  process.env.FUZZ_SERVER === undefined ? serve : ((await import(process.env.FUZZ_SERVER)) as { serve: typeof serve }).serve;
const targets = await startTargets(serveGateway);
const stats = newStats();
const started = Date.now();
const progress = setInterval(() => process.stdout.write(`… ${formatStats(stats)}\n`), 10_000);
let failed = false;
try {
  await fc.assert(
    fc.asyncProperty(group, async (g) => {
      const problem = await checkGroup(targets, g, stats);
      if (problem !== null) throw new Error(problem);
    }),
    { numRuns: runs, seed, endOnFailure: process.env.FUZZ_NO_SHRINK === '1' },
  );
} catch (error) {
  failed = true;
  // fast-check keeps the property's own error (our description of the case) as the cause.
  const cause = error instanceof Error && error.cause instanceof Error ? `\n${error.cause.message}` : '';
  process.stdout.write(`${error instanceof Error ? error.message : String(error)}${cause}\n`);
} finally {
  clearInterval(progress);
  await targets.close();
}
process.stdout.write(`seed ${seed}: ${formatStats(stats)} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
process.exit(failed ? 1 : 0);
