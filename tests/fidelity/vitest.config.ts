// One test file, run in a fork: the scenarios talk to real servers (some in child processes), so a
// leaked socket or timer shows up as a hang rather than as noise. The timeouts leave room for the
// 50 MB uploads and the child servers' start on a slow 2-core machine.
//
// Two projects. `fast`: the whole matrix with every speed trick on, the run that checks
// docs/matrix.md. `reference`: the gateway's row once more with GATEWAY_ENGINE=reference (the
// child servers inherit the environment), so the plain code behind each trick is held to the same
// scenarios; it starts no node:http or fetch server, and is not a full run, so it checks no
// docs/matrix.md. They run one after the other: side by side, two sets of child servers on a
// 2-core machine make the timing scenarios flaky. `--project fast` runs one.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    pool: 'forks',
    include: ['src/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    teardownTimeout: 20_000,
    fileParallelism: false,
    projects: [
      { extends: true, test: { name: 'fast', env: { GATEWAY_ENGINE: 'fast' } } },
      {
        extends: true,
        test: {
          name: 'reference',
          env: { GATEWAY_ENGINE: 'reference', FIDELITY_SERVERS: 'gateway' },
        },
      },
    ],
  },
});
