// The matrix's cost row: which target is which cell, how the servers targets are started, and
// what goes into bench/results/servers.json from a run's summaries.
import { describe, expect, it } from 'vitest';
import { serverFigures } from './server-figures.ts';
import {
  COMPARISONS,
  ENGINE_GROUP,
  SERVERS_GROUP,
  TARGETS,
  matrixCellOf,
  serverCommand,
  targetById,
} from './targets.ts';
import type { BenchReport, TargetSummary } from './types.ts';

describe('the servers targets', () => {
  it('name every app × server cell once, and leave mounted and --workers targets out', () => {
    const cells = TARGETS.map(matrixCellOf).filter((c) => c !== undefined);
    expect(new Set(cells).size).toBe(cells.length);
    for (const app of ['bare', 'express', 'fastify', 'hono'])
      for (const server of ['native', 'gateway', 'node', 'fetch'])
        expect(cells).toContain(`${app}@${server}`);
    expect(matrixCellOf(targetById('gateway-bare-w2'))).toBeUndefined();
    expect(matrixCellOf(targetById('gateway-bare-mounted'))).toBeUndefined();
  });

  it('start the app with gateway serve --server', () => {
    expect(serverCommand(targetById('express-fetch'), 1234).args).toEqual(
      expect.arrayContaining(['serve', './src/app.ts:app', '--server', 'fetch']),
    );
    expect(serverCommand(targetById('express-gateway'), 1234).args).not.toContain('--server');
  });

  it('are opt-in, and `servers` names them with the native-vs-gateway pairs', () => {
    const optIn = COMPARISONS.filter((c) => c.optIn && c.id.startsWith('servers-')).map((c) => c.id);
    expect(optIn).toHaveLength(8);
    expect(SERVERS_GROUP).toEqual(['bare', 'express', 'fastify', 'hono', ...optIn]);
  });
});

describe('the engine comparisons (--only engine)', () => {
  it('pair each app on the fast engine with the reference engine, and with each trick off', () => {
    expect(ENGINE_GROUP).toHaveLength(10);
    for (const id of ENGINE_GROUP) {
      const comparison = COMPARISONS.find((c) => c.id === id)!;
      expect(comparison.optIn).toBe(true);
      expect(targetById(comparison.candidate).engine).toBeUndefined(); // fast, the default
      const baseline = targetById(comparison.baseline).engine!;
      expect(baseline === 'reference' || /^fast,-[a-z-]+$/.test(baseline)).toBe(true);
    }
    expect(SERVERS_GROUP.some((id) => id.startsWith('engine-'))).toBe(false);
  });
});

describe('serverFigures', () => {
  const summary = (
    target: string,
    pipelining: number,
    reqPerCpuS: number,
    rounds = 2,
  ): TargetSummary => ({
    target,
    label: target,
    pipelining,
    rounds,
    reqPerSec: 1,
    p50Ms: 1,
    p99Ms: 1,
    cpuS: 1,
    reqPerCpuS,
    peakRssBytes: 1,
    errors: 0,
    processes: 1,
    vsNodeHttp: undefined,
  });
  it('keeps one rounded figure per cell and depth, from measured targets only', () => {
    const report = {
      settings: {
        mode: 'quick',
        connections: 100,
        pipelining: [1, 10],
        rounds: 2,
        durationS: 1,
        warmupS: 0.5,
        serverCpus: '0',
        loadCpu: '1',
        pinned: true,
      },
      machine: {
        cpuModel: 'x',
        cpus: 2,
        node: '20.20.2',
        platform: 'linux',
        date: '2026-12-04 17:00 UTC',
      },
      targets: TARGETS,
      summaries: [
        summary('express-node', 1, 1234.6),
        summary('express-node', 10, 5000),
        summary('node-http', 1, 99),
        summary('gateway-bare-w2', 1, 7),
        summary('hono-fetch', 1, 5, 0),
      ],
    } as unknown as BenchReport;
    expect(serverFigures(report)).toEqual({
      taken: '2026-12-04, --quick: 2 rounds of 1 s, autocannon -c 100, 2 cores, Node 20.20.2',
      cells: { 'express@node': { 1: 1235, 10: 5000 }, 'bare@native': { 1: 99 } },
    });
  });
});
