// Command-line options of `pnpm bench` and the settings each mode implies. Full mode is sized to
// finish well under 15 minutes on 2 cores, --quick under 2 minutes.
import { parseArgs } from 'node:util';

export const HELP = `Usage: pnpm bench [--quick] [--only <ids>] [--no-memory] [--out <dir>]

  --quick        2 short rounds per server, no memory figures: a first look (< 2 min)
  --only <ids>   comma-separated comparisons: bare, hono, fastify, express, mount, workers,
                 servers (each app under node:http and @hono/node-server, for docs/matrix.md),
                 engine (fast engine against reference, and against each speed trick off),
                 or single ids such as engine-bare, engine-repeat-heads
  --no-memory    skip the memory figures in full mode
  --memory       measure memory in quick mode too (adds about a minute)
  --against <dir>  also run each gateway server from another checkout (the previous
                 main, installed) against this one's, in the same run: ratios this / that
  --out <dir>    results folder (default bench/results, or bench/results/quick with --quick)
  -h, --help     this help
`;

export interface BenchOptions {
  quick: boolean;
  only: string[] | undefined;
  memory: boolean;
  out: string | undefined;
  against: string | undefined;
  help: boolean;
}

export function parseOptions(argv: readonly string[]): BenchOptions {
  // pnpm may pass a lone `--` through before the script's own arguments.
  const args = argv.filter((arg) => arg !== '--');
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      quick: { type: 'boolean' },
      only: { type: 'string' },
      memory: { type: 'boolean' },
      'no-memory': { type: 'boolean' },
      out: { type: 'string' },
      against: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const quick = values.quick ?? false;
  return {
    quick,
    only: values.only
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    memory: values['no-memory'] ? false : (values.memory ?? !quick),
    out: values.out,
    against: values.against,
    help: values.help ?? false,
  };
}

export interface ModeSettings {
  connections: number;
  pipelining: number[];
  rounds: number;
  durationS: number;
  warmupS: number;
  memoryConnections: number;
  memoryRequests: number;
}

export function modeSettings(quick: boolean): ModeSettings {
  return quick
    ? {
        connections: 100,
        pipelining: [1, 10],
        rounds: 2,
        durationS: 1,
        warmupS: 0.5,
        memoryConnections: 10_000,
        memoryRequests: 200_000,
      }
    : {
        connections: 100,
        pipelining: [1, 10],
        rounds: 5,
        durationS: 4,
        warmupS: 2,
        memoryConnections: 10_000,
        memoryRequests: 1_000_000,
      };
}
