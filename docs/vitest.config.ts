// The workshop test starts real servers and curl; give it room.
import { defineConfig } from 'vitest/config';

export default defineConfig({ test: { include: ['*.test.ts', 'examples/**/*.test.ts'], testTimeout: 60_000, pool: 'forks' } });
