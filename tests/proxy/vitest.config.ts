// One test file in a fork: it starts nginx and gateway servers as child processes, and a leaked
// one should show up as a hang here, not as noise elsewhere. The timeouts leave room for the
// 200 MB upload and the servers' start on a slow 2-core machine.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    pool: 'forks',
    include: ['src/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    teardownTimeout: 20_000,
  },
});
