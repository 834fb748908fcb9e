// The compare engine, shared by `gateway compare` and the inspector's compare view: the same
// request to every app, one after another, and the answers laid out as rows (status, each header
// field, the body, the time) with what differs between apps marked, and the fields the server
// adds rather than the app (Date, Server, framing, connection) labelled as such.
import { exchange, sha256 } from './exchange.ts';
import type { Answer, CompareRequest, Place } from './exchange.ts';

export type { Answer, CompareRequest, Place } from './exchange.ts';

/** One column: a name and where the app answers. */
export interface Column {
  name: string;
  place: Place;
}

/** Who put a field in the response, as far as the wire tells. */
export type Origin = 'app' | 'server' | 'framing';

export interface Row {
  kind: 'status' | 'header' | 'body' | 'time';
  /** `status`, a lower-case field name (`set-cookie #2` for a repeat), `body` or `time`. */
  label: string;
  /** One cell per answer; undefined where that answer has no such field. */
  values: Array<string | undefined>;
  /** Whether the apps disagree here (never for time, nor for Date). */
  differs: boolean;
  origin: Origin;
}

export interface Comparison {
  request: CompareRequest;
  answers: Answer[];
  rows: Row[];
}

/** Fields the server writes itself (SPEC 6.1, 6.2, 6.4), whatever the app did. */
const SERVER_FIELDS: ReadonlyMap<string, Origin> = new Map([
  ['date', 'server'],
  ['server', 'server'],
  ['connection', 'server'],
  ['keep-alive', 'server'],
  ['content-length', 'framing'],
  ['transfer-encoding', 'framing'],
]);

/** Sends `request` to every column, one at a time so that each time is the app's alone. */
export async function compareAll(columns: readonly Column[], request: CompareRequest): Promise<Comparison> {
  const answers: Answer[] = [];
  for (const column of columns) answers.push(await exchange(column.name, column.place, request));
  return { request, answers, rows: rowsOf(answers) };
}

/** Text if the bytes are UTF-8 with no control characters but tab and line breaks. */
export function asText(body: Buffer): string | undefined {
  const text = body.toString('utf8');
  if (text.includes('\uFFFD') && !body.equals(Buffer.from(text, 'utf8'))) return undefined;
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text) ? undefined : text;
}

/** A body in one cell: its size, and its first line when it is text, else its hash. */
export function describeBody(body: Buffer): string {
  if (body.length === 0) return '0 B';
  const text = asText(body);
  if (text === undefined) return `${body.length} B sha256:${sha256(body).slice(0, 12)}`;
  const firstLine = text.split('\n', 1)[0]!;
  return `${body.length} B ${JSON.stringify(firstLine.length < text.length - 1 ? `${firstLine}…` : firstLine)}`;
}

function differ(values: ReadonlyArray<string | undefined>): boolean {
  return values.some((value) => value !== values[0]);
}

/** Lays the answers out as rows, fields in the order they first appear. */
export function rowsOf(answers: readonly Answer[]): Row[] {
  const statuses = answers.map((a) => (a.error !== undefined ? `error: ${a.error}` : `${a.status} ${a.reason ?? ''}`.trimEnd()));
  const rows: Row[] = [{ kind: 'status', label: 'status', values: statuses, differs: differ(statuses), origin: 'app' }];
  // Field rows: the n-th occurrence of a name in every answer shares a row.
  const order: string[] = [];
  const perAnswer = answers.map((answer) => {
    const seen = new Map<string, number>();
    const cells = new Map<string, string>();
    for (const [name, value] of answer.headers) {
      const lower = name.toLowerCase();
      const n = (seen.get(lower) ?? 0) + 1;
      seen.set(lower, n);
      const label = n === 1 ? lower : `${lower} #${n}`;
      cells.set(label, value);
      if (!order.includes(label)) order.push(label);
    }
    return cells;
  });
  for (const label of order) {
    const values = perAnswer.map((cells) => cells.get(label));
    const origin = SERVER_FIELDS.get(label.split(' ')[0]!) ?? 'app';
    rows.push({ kind: 'header', label, values, differs: label !== 'date' && differ(values), origin });
  }
  const hashes = answers.map((a) => sha256(a.body));
  rows.push({ kind: 'body', label: 'body', values: answers.map((a) => describeBody(a.body)), differs: differ(hashes), origin: 'app' });
  rows.push({ kind: 'time', label: 'time', values: answers.map((a) => `${a.ms.toFixed(1)} ms`), differs: false, origin: 'app' });
  return rows;
}
