// One test file, run in a fork: the scenarios talk to real servers (some in child processes), so a
// leaked socket or timer shows up as a hang rather than as noise. The timeouts leave room for the
// 50 MB uploads and the child servers' start on a slow 2-core machine.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    pool: 'forks',
    include: ['src/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    teardownTimeout: 20_000,
  },
});
