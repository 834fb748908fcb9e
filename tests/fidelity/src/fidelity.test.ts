// The differential fidelity suite: every scenario against every app, under its framework's own
// server and under the gateway (through the validator), over real sockets; any difference not
// documented in exceptions.ts, any failed check, and any SPEC violation fails the test.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXCEPTIONS } from './exceptions.ts';
import { describeOutcome, runScenario } from './run.ts';
import { SCENARIOS } from './scenarios.ts';
import { APPS, MODES, startApp } from './targets.ts';
import type { RunningApp } from './targets.ts';

/** Which exceptions some cell needed, so one that no longer applies is noticed and removed. */
const used = new Set<string>();
let cells = 0;

const CELLS = MODES.flatMap((mode) => APPS.map((name) => ({ mode, name, title: mode === 'root' ? name : `${name} mounted at /${name}` })));

describe.each(CELLS)('$title', ({ name, mode }) => {
  let running: RunningApp | undefined;
  beforeAll(async () => {
    running = await startApp(name, mode);
  });
  afterAll(async () => {
    await running?.close();
  });

  it.each(SCENARIOS)('$id', async (scenario) => {
    const outcome = await runScenario(running!, scenario);
    cells += 1;
    for (const { exception } of outcome.explained) used.add(exception.id);
    expect(
      { unexplained: outcome.unexplained, problems: outcome.problems },
      describeOutcome(outcome),
    ).toEqual({
      unexplained: [],
      problems: [],
    });
  });
});

describe('the documented exceptions', () => {
  it('are each explained in README.md', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    for (const exception of EXCEPTIONS)
      expect(readme, exception.id).toContain(`\`${exception.id}\``);
  });

  it('are each still needed (checked only after a full run)', (context) => {
    // A filtered run (-t) cannot tell: it is reported as skipped rather than passed.
    if (cells < MODES.length * APPS.length * SCENARIOS.length) context.skip();
    expect(EXCEPTIONS.map((exception) => exception.id).filter((id) => !used.has(id))).toEqual([]);
  });
});
