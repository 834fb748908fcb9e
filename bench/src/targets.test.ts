// The target table: the mounted target and `--against`, which runs the same gateway servers from
// another checkout beside this one's.
import { describe, expect, it } from 'vitest';
import { COMPARISONS, TARGETS, addAgainst, serverCommand, targetById } from './targets.ts';

describe('targets', () => {
  it('serves the mounted bare app through a prefix, asked below it', () => {
    const mounted = targetById('gateway-bare-mounted');
    expect(mounted.path).toBe('/bare/hello');
    expect(serverCommand(mounted, 9000).args.slice(1, 3)).toEqual(['serve', '/bare=./src/app.ts:app']);
  });

  it('--against adds, per single-process unmounted gateway candidate, the same server from the other checkout as baseline', () => {
    const before = { targets: TARGETS.length, comparisons: COMPARISONS.length };
    const selected = COMPARISONS.filter((c) => ['hono', 'mount', 'workers'].includes(c.id));
    const added = addAgainst('/tmp/previous-main', selected);
    try {
      expect(added.map((c) => [c.id, c.baseline, c.candidate])).toEqual([['hono@against', 'hono-gateway@against', 'hono-gateway']]);
      const previous = targetById('hono-gateway@against');
      const command = serverCommand(previous, 9000);
      expect(command.cwd).toBe('/tmp/previous-main/apps/app-hono');
      expect(command.args[0]).toBe('/tmp/previous-main/packages/gateway/bin/gateway.mjs');
    } finally {
      TARGETS.splice(before.targets);
      COMPARISONS.splice(before.comparisons);
    }
  });
});
