// The differential fidelity suite across the matrix: every scenario against every app, under its
// framework's own server and, through the validator, under every server (the gateway, node:http,
// the fetch server), over real sockets; any difference not documented in exceptions.ts, any
// failed check, and any SPEC violation fails the test. After a full run it renders docs/matrix.md
// from these very outcomes, in memory, and fails if the committed file says otherwise.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXCEPTIONS } from './exceptions.ts';
import { readBenchFigures, renderMatrix, withoutGeneratedLine } from './matrix-table.ts';
import { describeOutcome, runScenario } from './run.ts';
import type { Outcome } from './run.ts';
import { SCENARIOS } from './scenarios.ts';
import { APPS, MODES, SERVERS, startApp } from './targets.ts';
import type { RunningApp } from './targets.ts';

/** Which exceptions some cell needed, so one that no longer applies is noticed and removed. */
const used = new Set<string>();
const outcomes: Outcome[] = [];
const fullRun = (): boolean => outcomes.length === MODES.length * APPS.length * SERVERS.length * SCENARIOS.length;

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
    const found = await runScenario(running!, scenario);
    outcomes.push(...found);
    for (const outcome of found) for (const { exception } of outcome.explained) used.add(exception.id);
    const failing = found.filter((o) => o.unexplained.length > 0 || o.problems.length > 0);
    expect(failing.map(describeOutcome).join('\n')).toBe('');
  });
});

describe('the documented exceptions', () => {
  it('are each explained in README.md', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    for (const exception of EXCEPTIONS)
      expect(readme, exception.id).toContain(`\`${exception.id}\``);
  });

  it('are each still needed (checked only after a full run)', () => {
    if (!fullRun()) return;
    expect(EXCEPTIONS.map((exception) => exception.id).filter((id) => !used.has(id))).toEqual([]);
  });
});

describe('docs/matrix.md', () => {
  it('is what this run generates, but for its date line (checked only after a full run; `npx pnpm matrix` regenerates it)', () => {
    if (!fullRun()) return;
    const committed = readFileSync(new URL('../../../docs/matrix.md', import.meta.url), 'utf8');
    const fresh = renderMatrix({ outcomes, generated: '', bench: readBenchFigures() });
    expect(withoutGeneratedLine(committed), 'docs/matrix.md is stale: run `npx pnpm matrix` and commit it').toBe(withoutGeneratedLine(fresh));
  });
});
