// Tests run in forks so a test that leaks a socket or a timer shows up as a hang, not as noise.
// Twice: once with every speed trick on (`fast`, what ships by default) and once with none
// (`reference`, GATEWAY_ENGINE=reference), so the bridges' fast paths and the plain code they
// stand in for are held to the same tests. `--project fast` or `--project reference` runs one.
import { defineConfig } from 'vitest/config';

const include = ['src/**/*.test.ts', 'test/**/*.test.ts'];

export default defineConfig({
  test: {
    pool: 'forks',
    testTimeout: 20_000,
    projects: [
      { extends: true, test: { name: 'fast', include, env: { GATEWAY_ENGINE: 'fast' } } },
      { extends: true, test: { name: 'reference', include, env: { GATEWAY_ENGINE: 'reference' } } },
    ],
  },
});
