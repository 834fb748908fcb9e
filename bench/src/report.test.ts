// The report writers: the same figures in the terminal table, the markdown and the chart.
import { describe, expect, it } from 'vitest';
import { markdownTable, renderMarkdown, retriedNote } from './report-markdown.ts';
import { escapeXml, niceStep, renderChart } from './report-svg.ts';
import { renderTable } from './report-table.ts';
import type { BenchReport, TargetSummary } from './types.ts';

function summary(
  target: string,
  label: string,
  pipelining: number,
  reqPerCpuS: number,
): TargetSummary {
  return {
    target,
    label,
    pipelining,
    rounds: 3,
    reqPerSec: 40000,
    p50Ms: 2,
    p99Ms: 9,
    cpuS: 4,
    reqPerCpuS,
    peakRssBytes: 80 * 1024 * 1024,
    errors: 0,
    processes: 1,
    vsNodeHttp: 1,
  };
}

const report: BenchReport = {
  settings: {
    mode: 'quick',
    connections: 100,
    pipelining: [1, 10],
    rounds: 3,
    durationS: 2,
    warmupS: 1,
    serverCpus: '0',
    loadCpu: '1',
    pinned: true,
  },
  machine: {
    cpuModel: 'Test CPU',
    cpus: 2,
    node: '20.0.0',
    platform: 'linux',
    date: '2026-01-01 00:00 UTC',
  },
  targets: [],
  comparisons: [],
  skipped: [{ target: 'express-native', reason: 'apps/app-express/src/native.ts does not exist' }],
  samples: [],
  summaries: [
    summary('node-http', 'bare node:http', 1, 50000),
    summary('gateway-bare', 'gateway + bare app', 1, 61000),
    summary('gateway-bare', 'gateway + bare app', 10, 98000),
  ],
  ratios: [
    {
      comparison: 'bare',
      label: 'gateway+bare / node:http',
      pipelining: 1,
      cpuRatio: 1.22,
      rpsRatio: 1.01,
      goal: 1.2,
      met: true,
    },
  ],
  memory: [],
  commands: {},
  command: 'npx pnpm bench --quick',
  elapsedS: 90,
};

describe('terminal table', () => {
  it('shows each server per depth, the ratio against its goal, and what was skipped', () => {
    const text = renderTable(report);
    expect(text).toContain('gateway + bare app    10');
    expect(text).toContain('98,000');
    expect(text).toMatch(/gateway\+bare \/ node:http\s+1\s+1\.22×\s+≥ 1\.20×\s+met/);
    expect(text).toContain('skipped express-native');
  });
});

describe('markdown report', () => {
  it('escapes pipes in cells and marks numeric columns right-aligned', () => {
    expect(markdownTable(['a', 'n'], [['x|y', '1']], [false, true])).toBe(
      '| a | n |\n| --- | ---: |\n| x\\|y | 1 |',
    );
  });
  it('says it is a quick run, gives the command, the verdict and links the chart', () => {
    const md = renderMarkdown(report);
    expect(md).toContain('**quick** run');
    expect(md).toContain('`npx pnpm bench --quick`');
    expect(md).toContain('| gateway+bare / node:http | none | **1.22×** | ≥ 1.20× | ✅ | 1.01× |');
    expect(md).toContain('![Requests per server CPU-second](chart.svg)');
  });
});

describe('chart', () => {
  it('picks round axis steps', () => {
    expect(niceStep(98000)).toBe(20000);
    expect(niceStep(7)).toBe(2);
  });
  it('draws one bar per server and depth, labelled, with text escaped', () => {
    const svg = renderChart(report.summaries);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<rect class="bar"/g)).toHaveLength(3);
    expect(svg).toContain('98,000');
    expect(escapeXml('a<b & "c"')).toBe('a&#60;b &#38; &#34;c&#34;');
  });
});

describe('retried rounds', () => {
  it('are named in the report, as a warning that the machine was busy', () => {
    const sample = {
      target: 'node-http',
      comparison: 'bare',
      pipelining: 10,
      round: 2,
      requests: 1,
      durationS: 1,
      reqPerSec: 1,
      p50Ms: 1,
      p99Ms: 1,
      cpuS: 0.5,
      reqPerCpuS: 2,
      peakRssBytes: 1,
      errors: 0,
      processes: 1,
    };
    const busy = {
      ...report,
      samples: [
        { ...sample, retried: true },
        { ...sample, round: 1, retried: false },
      ],
    };
    expect(retriedNote(busy).join('\n')).toContain('1 round(s) were measured again');
    expect(retriedNote(busy).join('\n')).toContain('node-http p=10 r2');
    expect(renderTable(busy)).toContain('measured again');
    expect(retriedNote(report)).toEqual([]);
  });
});
