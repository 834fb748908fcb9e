// One cell of the table: a scenario run against one app under its own server, then under each
// server of the matrix (the gateway, node:http, the fetch server), compared. Shared by the test (which fails on any problem) and the report (which prints
// the table), so both judge by exactly the same rules.
import { exceptionFor } from './exceptions.ts';
import type { Exception } from './exceptions.ts';
import { differences } from './observation.ts';
import type { Difference, Observation } from './observation.ts';
import type { Scenario } from './scenarios.ts';
import type { AppName, Endpoint, Mode, RunningApp, ServerKind } from './targets.ts';

export interface Outcome {
  app: AppName;
  mode: Mode;
  /** The server the app ran under for this cell (the native side is its framework's own). */
  server: ServerKind;
  scenario: string;
  native: Observation | undefined;
  served: Observation | undefined;
  /** Differences no exception covers: each one fails the suite. */
  unexplained: Difference[];
  /** Differences covered by a documented exception. */
  explained: Array<{ difference: Difference; exception: Exception }>;
  /** Anything else wrong: a failed check, a request that failed, a SPEC violation, a server error. */
  problems: string[];
}

export function passed(outcome: Outcome): boolean {
  return outcome.unexplained.length === 0 && outcome.problems.length === 0;
}

async function observeSide(
  scenario: Scenario,
  endpoint: Endpoint,
  problems: string[],
): Promise<Observation | undefined> {
  try {
    const observation = await scenario.run(endpoint);
    for (const problem of scenario.check?.(observation) ?? [])
      problems.push(`${endpoint.side}: ${problem}`);
    return observation;
  } catch (error) {
    problems.push(
      `${endpoint.side}: the exchange failed: ${error instanceof Error ? error.message : String(error)}`,
    );
    return undefined;
  }
}

/**
 * Runs `scenario` once against the native server, then against the app under each server of the
 * matrix in turn, and compares each with the native observation: one outcome per server.
 */
export async function runScenario(running: RunningApp, scenario: Scenario): Promise<Outcome[]> {
  const nativeProblems: string[] = [];
  for (const served of running.served) await served.takeErrors();
  // One side after the other, never two at once, so no side's timing disturbs another's.
  const native = running.native && (await observeSide(scenario, running.native, nativeProblems));
  const outcomes: Outcome[] = [];
  for (const served of running.served) {
    const problems = [...nativeProblems];
    const under = await observeSide(scenario, served.endpoint, problems);
    // The validator reports through the app's error stream (a GatewaySpecError fails the request
    // and is written there), as does any error the app let escape: under any server, both are bugs.
    for (const message of await served.takeErrors()) {
      const violation = message.includes('GatewaySpecError');
      if (!violation && scenario.expectedGatewayError?.test(message) === true) continue;
      const kind = violation ? 'validator: SPEC violation' : 'error stream';
      problems.push(`${served.server}: ${kind}: ${message.split('\n').slice(0, 4).join(' | ')}`);
    }
    const unexplained: Difference[] = [];
    const explained: Outcome['explained'] = [];
    if (native !== undefined && under !== undefined) {
      for (const difference of differences(native, under)) {
        const exception = exceptionFor(running.name, scenario.id, difference, running.mode, served.server);
        if (exception === undefined) unexplained.push(difference);
        else explained.push({ difference, exception });
      }
    }
    outcomes.push({
      app: running.name,
      mode: running.mode,
      server: served.server,
      scenario: scenario.id,
      native,
      served: under,
      unexplained,
      explained,
      problems,
    });
  }
  return outcomes;
}

/** A failed outcome as text, for a test failure or the report. */
export function describeOutcome(outcome: Outcome): string {
  const lines = [`${outcome.app}@${outcome.server}${outcome.mode === 'mounted' ? ` mounted at /${outcome.app}` : ''} × ${outcome.scenario}:`];
  for (const d of outcome.unexplained)
    lines.push(`  ${d.field}\n    native:  ${d.native}\n    ${outcome.server}: ${d.gateway}`);
  for (const problem of outcome.problems) lines.push(`  ${problem}`);
  return lines.join('\n');
}
