// Tests run in forks so a test that leaks a socket or a timer shows up as a hang, not as noise.
// Two projects: `fast` runs everything with the engine GATEWAY_ENGINE names (the speed tricks by
// default); `reference` runs the suites about the wire again on the reference engine (no tricks,
// server/engine.ts), so each trick is checked against plain code on every run.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    pool: 'forks',
    testTimeout: 20_000,
    projects: [
      {
        extends: true,
        test: { name: 'fast', include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'reference',
          include: ['src/environ/**/*.test.ts', 'test/fuzz/**/*.test.ts', 'test/server/**/*.test.ts', 'test/hardening/**/*.test.ts', 'test/compose/**/*.test.ts', 'test/static/**/*.test.ts'],
          env: { GATEWAY_ENGINE: 'reference' },
        },
      },
    ],
  },
});
