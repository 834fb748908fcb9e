// The load generator: autocannon, run in this process (which is pinned to its own core), with
// or without pipelining. Returns only the figures the report uses.
import autocannon from 'autocannon';

export interface LoadOptions {
  url: string;
  connections: number;
  pipelining: number;
  /** Run for this long, in seconds... */
  durationS?: number;
  /** ...or until this many responses (takes precedence). */
  amount?: number;
}

export interface LoadResult {
  /** Responses with a 2xx status. */
  ok: number;
  durationS: number;
  p50Ms: number;
  p99Ms: number;
  /** Connection errors (timeouts included) plus non-2xx responses. */
  errors: number;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    pipelining: options.pipelining,
    ...(options.amount !== undefined
      ? { amount: options.amount }
      : { duration: options.durationS ?? 5 }),
    timeout: 10,
  });
  return {
    ok: result['2xx'],
    durationS: result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
}
