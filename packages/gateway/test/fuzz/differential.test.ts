// Differential fuzzing, the bounded CI run: valid and mutated requests, pipelined in random groups
// and split at random byte boundaries, sent to the gateway and to node:http (llhttp) serving the
// same handler. They must accept the same requests and see the same method, target, version,
// header fields and body bytes; a difference must be one SECURITY.md names. The long run is
// `pnpm --filter @gateway-interop/gateway fuzz:long`; FUZZ_SEED replays a failure here too.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTargets } from './_differential.ts';
import type { Targets } from './_differential.ts';
import { group } from './_requests.ts';
import { checkGroup, formatStats, newStats } from './_run.ts';

const RUNS = Number(process.env.FUZZ_CI_RUNS ?? 500);

describe('differential fuzzing against node:http', () => {
  let targets: Targets;
  beforeAll(async () => {
    targets = await startTargets();
  });
  afterAll(async () => {
    await targets.close();
  });

  it('agrees with llhttp on accept/reject and on what was accepted', { timeout: 120_000 }, async () => {
    const stats = newStats();
    const seed = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
    await fc.assert(
      fc.asyncProperty(group, async (g) => {
        const problem = await checkGroup(targets, g, stats);
        if (problem !== null) throw new Error(problem);
      }),
      { numRuns: RUNS, seed },
    );
    console.log(`differential fuzzing: ${formatStats(stats)}`);
    expect(stats.cases).toBeGreaterThanOrEqual(RUNS);
    // The generator must keep exercising both sides: requests accepted, and requests refused.
    expect(stats.acceptedByBoth).toBeGreaterThan(RUNS);
    expect(stats.refusedByBoth).toBeGreaterThan(RUNS / 20);
  });
});
