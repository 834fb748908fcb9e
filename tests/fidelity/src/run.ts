// One cell of the table: a scenario run against one app under its own server, then under the
// gateway, compared. Shared by the test (which fails on any problem) and the report (which prints
// the table), so both judge by exactly the same rules.
import { exceptionFor } from './exceptions.ts';
import type { Exception } from './exceptions.ts';
import { differences } from './observation.ts';
import type { Difference, Observation } from './observation.ts';
import type { Scenario } from './scenarios.ts';
import type { AppName, Endpoint, Mode, RunningApp } from './targets.ts';

export interface Outcome {
  app: AppName;
  mode: Mode;
  scenario: string;
  native: Observation | undefined;
  gateway: Observation | undefined;
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

export async function runScenario(running: RunningApp, scenario: Scenario): Promise<Outcome> {
  const problems: string[] = [];
  await running.takeGatewayErrors();
  // One side after the other, never both at once, so neither one's timing disturbs the other's.
  const native = running.native && (await observeSide(scenario, running.native, problems));
  const gateway = await observeSide(scenario, running.gateway, problems);
  // The validator reports through the server's error stream (a GatewaySpecError fails the request
  // and is written there), as does any error the app let escape: under the gateway, both are bugs.
  for (const message of await running.takeGatewayErrors()) {
    const violation = message.includes('GatewaySpecError');
    if (!violation && scenario.expectedGatewayError?.test(message) === true) continue;
    const kind = violation ? 'validator: SPEC violation' : 'error stream';
    problems.push(`gateway: ${kind}: ${message.split('\n').slice(0, 4).join(' | ')}`);
  }
  const unexplained: Difference[] = [];
  const explained: Outcome['explained'] = [];
  if (native !== undefined && gateway !== undefined) {
    for (const difference of differences(native, gateway)) {
      const exception = exceptionFor(running.name, scenario.id, difference, running.mode);
      if (exception === undefined) unexplained.push(difference);
      else explained.push({ difference, exception });
    }
  }
  return {
    app: running.name,
    mode: running.mode,
    scenario: scenario.id,
    native,
    gateway,
    unexplained,
    explained,
    problems,
  };
}

/** A failed outcome as text, for a test failure or the report. */
export function describeOutcome(outcome: Outcome): string {
  const lines = [`${outcome.app}${outcome.mode === 'mounted' ? ` mounted at /${outcome.app}` : ''} × ${outcome.scenario}:`];
  for (const d of outcome.unexplained)
    lines.push(`  ${d.field}\n    native:  ${d.native}\n    gateway: ${d.gateway}`);
  for (const problem of outcome.problems) lines.push(`  ${problem}`);
  return lines.join('\n');
}
