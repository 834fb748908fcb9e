// The differential fidelity suite across the matrix: every scenario against every app, under its
// framework's own server and, through the validator, under every server (the gateway, node:http,
// the fetch server), over real sockets. Under the gateway any difference not documented in
// exceptions.ts, any failed check and any SPEC violation fails the test; under the other servers
// such a cell fails the test unless docs/matrix.md already records it as ✗ with its reason. After a full run it renders docs/matrix.md
// from these very outcomes, in memory, and fails if the committed file says otherwise.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXCEPTIONS } from './exceptions.ts';
import { committedCell, readBenchFigures, renderMatrix, withoutGeneratedLine } from './matrix-table.ts';
import { describeOutcome, passed, runScenario } from './run.ts';
import type { Outcome } from './run.ts';
import { SCENARIOS } from './scenarios.ts';
import { APPS, MODES, SERVERS, startApp } from './targets.ts';
import type { RunningApp } from './targets.ts';

/** Which exceptions some cell needed, so one that no longer applies is noticed and removed. */
const used = new Set<string>();
const outcomes: Outcome[] = [];
const committedMatrix = readFileSync(new URL('../../../docs/matrix.md', import.meta.url), 'utf8');
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
    // Under the gateway every cell must hold. Under the other servers a cell may fail only where
    // the committed docs/matrix.md already says ✗ with its reason: the table is the record of what
    // those servers cannot do, and a cell that changes either way fails here.
    const failing = found.filter((o) => !passed(o));
    expect(failing.filter((o) => o.server === 'gateway').map(describeOutcome).join('\n')).toBe('');
    for (const outcome of found.filter((o) => o.server !== 'gateway')) {
      const said = committedCell(committedMatrix, mode, `${name}@${outcome.server}`, scenario.id);
      const fails = !passed(outcome);
      expect(said?.startsWith('✗') === true, `${name}@${outcome.server}: docs/matrix.md says ${said ?? 'nothing'}\n${fails ? describeOutcome(outcome) : 'but the cell holds'}`).toBe(fails);
    }
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
    if (!fullRun()) context.skip();
    expect(EXCEPTIONS.map((exception) => exception.id).filter((id) => !used.has(id))).toEqual([]);
  });
});

describe('docs/matrix.md', () => {
  it('is what this run generates, but for its date line (checked only after a full run; `npx pnpm matrix` regenerates it)', (context) => {
    if (!fullRun()) context.skip();
    const fresh = renderMatrix({ outcomes, generated: '', bench: readBenchFigures() });
    expect(withoutGeneratedLine(committedMatrix), 'docs/matrix.md is stale: run `npx pnpm matrix` and commit it').toBe(withoutGeneratedLine(fresh));
  });
});
