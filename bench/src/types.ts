// Shapes shared by the runner and the report writers, so the JSON file and the tables agree.

/** One server to measure: how to start it and which path answers the fixed response. */
export interface Target {
  id: string;
  label: string;
  /** What it is built on, for grouping in the report: "bare" (no framework) or a framework name. */
  group: string;
  kind: 'node-http' | 'native' | 'gateway';
  /** Worker processes (gateway --workers); 1 means a single process. */
  workers: number;
  path: string;
  /** Gateway only: serve the app mounted at this prefix (`gateway serve /bare=…`), through mount(). */
  mountAt?: string;
  /** Gateway CLI only: run the app under another server (`gateway serve … --server node|fetch`). */
  server?: 'node' | 'fetch';
  /** Another checkout to run this server from (`--against`); this one when absent. */
  root?: string;
  /** Gateway only: the engine (GATEWAY_ENGINE: `reference`, `fast,-repeat-heads`…); fast when absent. */
  engine?: string;
}

/** Two targets measured in alternating rounds (A B A B ...); ratios are B over A. */
export interface Comparison {
  id: string;
  label: string;
  baseline: string;
  candidate: string;
  /** The goal for B/A in requests per server CPU-second, per pipelining depth. */
  goals: Partial<Record<number, number>>;
  /** Run only when named with --only (directly or as `servers`), not in the default run. */
  optIn?: boolean;
}

/** One measured round of one target at one pipelining depth. */
export interface RoundSample {
  target: string;
  comparison: string;
  pipelining: number;
  round: number;
  /** Responses with a 2xx status: the work that counts. */
  requests: number;
  durationS: number;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** utime+stime of the server process and its children during the round. */
  cpuS: number;
  reqPerCpuS: number;
  /** Highest RSS of the server's processes (summed) seen during the round, sampled every 100 ms. */
  peakRssBytes: number;
  /** Connection errors, timeouts and non-2xx responses. */
  errors: number;
  processes: number;
  /** The first try had the server barely running (starved by something else), so it was run again. */
  retried: boolean;
}

/** Medians over the rounds of one target at one pipelining depth. */
export interface TargetSummary {
  target: string;
  label: string;
  pipelining: number;
  rounds: number;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  cpuS: number;
  reqPerCpuS: number;
  peakRssBytes: number;
  /** Total over all rounds, not a median: one error is worth seeing. */
  errors: number;
  processes: number;
  /** reqPerCpuS over bare node:http's at the same depth (measured in a different pair). */
  vsNodeHttp: number | undefined;
}

/** A comparison's outcome at one pipelining depth. */
export interface RatioSummary {
  comparison: string;
  label: string;
  pipelining: number;
  /** Median of the per-round ratios B_i/A_i of requests per server CPU-second. */
  cpuRatio: number;
  /** Median of the per-round ratios of req/s (bounded by the load generator for fast servers). */
  rpsRatio: number;
  goal: number | undefined;
  met: boolean | undefined;
}

export interface MemoryReport {
  target: string;
  label: string;
  command: string;
  connections: number;
  baselineRssBytes: number;
  heldRssBytes: number;
  perConnectionBytes: number;
  releasedRssBytes: number;
  /** Seconds after release when releasedRssBytes was read: back within noise, or the wait ran out. */
  releasedAfterS: number;
  /** Connections that did not get through (refused, reset, no response). */
  failedConnections: number;
  requests: number;
  requestErrors: number;
  /** RSS before the million requests, then after each slice of them. */
  rssCheckpoints: { afterRequests: number; rssBytes: number }[];
}

export interface BenchSettings {
  mode: 'quick' | 'full';
  connections: number;
  pipelining: number[];
  rounds: number;
  durationS: number;
  warmupS: number;
  serverCpus: string;
  loadCpu: string;
  pinned: boolean;
}

export interface MachineInfo {
  cpuModel: string;
  cpus: number;
  node: string;
  platform: string;
  date: string;
}

/** How `--workers N` spread busy keep-alive connections over its workers (worker-share.ts). */
export interface WorkerShareReport {
  workers: number;
  connections: number;
  /** Connections per worker, largest first. */
  perWorker: number[];
  /** Smallest share over the even share (1 = perfectly even). */
  evenness: number;
}

export interface BenchReport {
  settings: BenchSettings;
  machine: MachineInfo;
  targets: Target[];
  comparisons: Comparison[];
  skipped: { target: string; reason: string }[];
  samples: RoundSample[];
  summaries: TargetSummary[];
  ratios: RatioSummary[];
  memory: MemoryReport[];
  /** Measured with the workers comparison; absent in older reports. */
  workerShares?: WorkerShareReport[];
  /** Server command lines by target id, paths relative to the repository root. */
  commands: Record<string, string>;
  command: string;
  elapsedS: number;
}
