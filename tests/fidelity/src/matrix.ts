// `npx pnpm matrix`: runs the whole differential suite across the matrix (every app under every
// server, at the root and mounted, against each framework's own server) and writes docs/matrix.md.
// A ✗ under node or fetch is a recorded gap of that server or reverse bridge, written with its
// reason; the command exits 1 only when a gateway cell fails, which the suite never allows.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderMatrix, readBenchFigures } from './matrix-table.ts';
import { passed, runScenario } from './run.ts';
import type { Outcome } from './run.ts';
import { SCENARIOS } from './scenarios.ts';
import { APPS, MODES, startApp } from './targets.ts';

const MATRIX_FILE = fileURLToPath(new URL('../../../docs/matrix.md', import.meta.url));

const outcomes: Outcome[] = [];
const started = performance.now();
for (const mode of MODES) {
  for (const app of APPS) {
    const running = await startApp(app, mode);
    try {
      for (const scenario of SCENARIOS) {
        process.stderr.write(`${mode}: ${app} × ${scenario.id}\n`);
        outcomes.push(...(await runScenario(running, scenario)));
      }
    } finally {
      await running.close();
    }
  }
}
const seconds = ((performance.now() - started) / 1000).toFixed(1);
const generated = `${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${seconds} s`;
writeFileSync(MATRIX_FILE, renderMatrix({ outcomes, generated, bench: readBenchFigures() }));
const failed = outcomes.filter((outcome) => !passed(outcome));
const gatewayFailed = failed.filter((outcome) => outcome.server === 'gateway').length;
process.stdout.write(
  `wrote docs/matrix.md: ${outcomes.length} cells, ${failed.length} ✗ (${gatewayFailed} under the gateway), in ${seconds} s\n`,
);
process.exitCode = gatewayFailed > 0 ? 1 : 0;
