// What the inspector keeps of one exchange: the shapes the recorder fills in and the pages read,
// step by step as a request crosses the interface.
import type { HeaderList } from '../types.ts';

/** Who put a response field on the wire, as the tap saw it happen. */
export type HeaderOrigin = 'app' | 'server';

/** Bytes kept up to a limit, with the size of the whole. */
export interface Kept {
  bytes: Buffer;
  total: number;
}

export interface StartCall {
  /** Milliseconds since the head was parsed. */
  at: number;
  status: string;
  headers: HeaderList;
  error?: string;
}

export interface BodyChunk {
  at: number;
  /** `body`: produced by the returned iterable; `write`: passed to startResponse's write(). */
  via: 'body' | 'write';
  bytes: number;
  /** The first bytes, as latin-1 text. */
  first: string;
}

export interface ResponseField {
  name: string;
  value: string;
  origin: HeaderOrigin;
}

/** Milliseconds each layer took; undefined where the step did not happen. */
export interface Timings {
  /** From the request's first byte to its head parsed. */
  parse: number;
  environ?: number;
  /** From the call into the app to its first startResponse. */
  app?: number;
  /** From the call into the app to the first body byte it produced. */
  firstByte?: number;
  /** From the call into the app to the last byte written. */
  lastByte?: number;
}

export interface Exchange {
  id: number;
  /** Wall-clock time the head was parsed (ms since the epoch). */
  time: number;
  /** The mounted app that answered (by path prefix), or '' when one app serves all. */
  app: string;
  remote: { address: string; port: string };
  head: { method: string; target: string; version: string; headers: HeaderList };
  /** Bytes received for this request: head and body, as they came off the socket. */
  request: Kept;
  /** Every environ key as the app got it, values shown as text. */
  environ: Array<[key: string, value: string]>;
  calls: StartCall[];
  chunks: BodyChunk[];
  /** Chunks past the first 100 are counted, not listed. */
  chunkCount: number;
  /** The body the app produced, before framing. */
  body: Kept;
  response: { statusLine: string; fields: ResponseField[]; raw: string } | null;
  status: number;
  /** Body bytes sent on the wire. */
  sent: number;
  done: boolean;
  timings: Timings;
}

/** Appends `chunk` to `kept` up to `limit` bytes, counting the whole. */
export function keep(kept: Kept, chunk: Uint8Array, limit: number): void {
  kept.total += chunk.length;
  if (kept.bytes.length < limit)
    kept.bytes = Buffer.concat([kept.bytes, chunk.subarray(0, limit - kept.bytes.length)]);
}
