// Browser tests run one file at a time in a fork: one Chromium is launched for the file, and a
// slow 2-core machine needs room for its first start (unpacking @sparticuz/chromium takes seconds).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    pool: 'forks',
    include: ['src/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 90_000,
    teardownTimeout: 20_000,
  },
});
