// What a scenario observes, reduced to what must be the same under both servers, and how two
// observations are compared. Every response header is compared except the five the issue names as
// the server's own business: Date, Connection, Keep-Alive, and the framing pair Content-Length and
// Transfer-Encoding (a response may be framed differently; its body bytes must still match). Any
// other difference fails unless exceptions.ts lists it by name, with the exact values on each side.
import type { WireResponse } from './client.ts';

export const IGNORED_HEADERS: readonly string[] = [
  'date',
  'connection',
  'keep-alive',
  'content-length',
  'transfer-encoding',
];
const ignored = new Set(IGNORED_HEADERS);

/** A scenario's extra facts (streaming timing, what the app saw…): compared like headers. */
export type Facts = Record<string, string | number | boolean>;

export interface Observation {
  status: number;
  reason: string;
  /** Lower-cased names, sorted; the values of a repeated field in the order received. */
  headers: Record<string, string[]>;
  bodyLength: number;
  bodySha256: string;
  facts: Facts;
  /** For reading a difference, never compared: the start of the body as text. */
  bodyStart: string;
}

export function observe(response: WireResponse, facts: Facts = {}): Observation {
  const headers: Record<string, string[]> = {};
  for (const [name, value] of response.headers) {
    const lower = name.toLowerCase();
    if (ignored.has(lower)) continue;
    (headers[lower] ??= []).push(value);
  }
  const sorted: Record<string, string[]> = {};
  for (const name of Object.keys(headers).sort()) sorted[name] = headers[name]!;
  return {
    status: response.status,
    reason: response.reason,
    headers: sorted,
    bodyLength: response.bodyLength,
    bodySha256: response.bodySha256,
    facts,
    bodyStart: response.bodyStart.toString('utf8').replace(/[^\t\n\x20-\x7e\u00a0-\uffff]/g, '.'),
  };
}

/** A field that differs: `status`, `reason`, `header:<name>`, `body`, or `fact:<name>`. */
export interface Difference {
  field: string;
  native: string;
  gateway: string;
}

/** How an absent header or fact is shown, in differences and in exceptions.ts. */
export const ABSENT = '(absent)';

const showValues = (values: string[] | undefined): string =>
  values === undefined ? ABSENT : values.length === 1 ? values[0]! : JSON.stringify(values);

export function differences(native: Observation, gateway: Observation): Difference[] {
  const found: Difference[] = [];
  const add = (field: string, a: string, b: string): void => {
    if (a !== b) found.push({ field, native: a, gateway: b });
  };
  add('status', String(native.status), String(gateway.status));
  add('reason', native.reason, gateway.reason);
  for (const name of [
    ...new Set([...Object.keys(native.headers), ...Object.keys(gateway.headers)]),
  ].sort()) {
    add(`header:${name}`, showValues(native.headers[name]), showValues(gateway.headers[name]));
  }
  if (native.bodySha256 !== gateway.bodySha256 || native.bodyLength !== gateway.bodyLength) {
    found.push({
      field: 'body',
      native: `${native.bodyLength} bytes, sha256 ${native.bodySha256.slice(0, 16)}…: ${JSON.stringify(native.bodyStart.slice(0, 300))}`,
      gateway: `${gateway.bodyLength} bytes, sha256 ${gateway.bodySha256.slice(0, 16)}…: ${JSON.stringify(gateway.bodyStart.slice(0, 300))}`,
    });
  }
  for (const name of [
    ...new Set([...Object.keys(native.facts), ...Object.keys(gateway.facts)]),
  ].sort()) {
    const a = native.facts[name];
    const b = gateway.facts[name];
    add(`fact:${name}`, a === undefined ? ABSENT : String(a), b === undefined ? ABSENT : String(b));
  }
  return found;
}
