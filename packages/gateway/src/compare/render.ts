// `gateway compare` in a terminal: the rows of a comparison as a table, one column per app, cut
// to fit the terminal (80 columns when it is not one), with what differs marked `≠` and coloured
// on a TTY, and the server's own fields tagged. `--raw` shows each answer's bytes instead.
import type { Comparison, Row } from './compare.ts';
import { asText } from './compare.ts';
import type { Answer } from './exchange.ts';

export interface RenderOptions {
  /** Terminal width in columns. */
  width: number;
  /** ANSI colours (a TTY, and NO_COLOR unset). */
  color: boolean;
}

const ESC = '\u001b[';
const paint = (on: boolean, code: string, text: string): string => (on ? `${ESC}${code}m${text}${ESC}0m` : text);
const TAG: Record<Row['origin'], string> = { app: '', server: ' [s]', framing: ' [f]' };
const MIN_COLUMN = 10;
const BODY_LINES = 8;

/** Cuts `text` to `width` characters, marking the cut with `…`. */
function fit(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}

/** Joins `parts` with `separator` into lines no wider than `width`. */
function wrap(parts: readonly string[], separator: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const part of parts) {
    if (line !== '' && line.length + separator.length + part.length > width) {
      lines.push(line);
      line = part;
    } else line = line === '' ? part : line + separator + part;
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** Control characters (from a client or an app) never reach the terminal as themselves. */
function visible(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

export function renderComparison(comparison: Comparison, options: RenderOptions): string {
  const { answers, rows, request } = comparison;
  const out: string[] = [];
  const c = options.color;
  out.push(paint(c, '1', fit(visible(`${request.method} ${request.path}`), options.width)) + ` → ${answers.length} apps`);
  const labelWidth = Math.min(22, Math.max(...rows.map((r) => r.label.length + TAG[r.origin].length)));
  const columnWidth = Math.floor((options.width - 2 - labelWidth) / Math.max(1, answers.length)) - 1;
  let cut = false;
  const cell = (text: string, width: number): string => {
    const shown = fit(visible(text), width);
    if (shown.length < visible(text).length) cut = true;
    return shown;
  };
  const paintCell = (row: Row, text: string): string =>
    row.differs ? paint(c, '33', text) : row.origin !== 'app' || row.kind === 'time' ? paint(c, '2', text) : text;
  if (columnWidth >= MIN_COLUMN) {
    out.push(' '.repeat(2 + labelWidth) + answers.map((a) => ' ' + paint(c, '1', cell(a.name, columnWidth).padEnd(columnWidth))).join('').trimEnd());
    for (const row of rows) {
      const label = cell(row.label, labelWidth - TAG[row.origin].length) + TAG[row.origin];
      const cells = row.values.map((v) => ' ' + paintCell(row, cell(v ?? '—', columnWidth).padEnd(columnWidth)));
      out.push(`${row.differs ? paint(c, '33', '≠') : ' '} ${label.padEnd(labelWidth)}${cells.join('').trimEnd()}`);
    }
  } else {
    // Too many apps for columns: one line per app under each row.
    const nameWidth = Math.max(...answers.map((a) => a.name.length));
    for (const row of rows) {
      out.push(`${row.differs ? paint(c, '33', '≠') : ' '} ${row.label}${TAG[row.origin]}`);
      row.values.forEach((v, i) => {
        out.push(`    ${answers[i]!.name.padEnd(nameWidth)}  ${paintCell(row, cell(v ?? '—', options.width - nameWidth - 6))}`);
      });
    }
  }
  out.push('');
  out.push(...renderCutDifferences(rows, answers.map((a) => a.name), columnWidth >= MIN_COLUMN ? columnWidth : options.width - 6, options));
  out.push(...renderBodies(answers, options));
  const legend = ['≠ the apps differ', '[s] added by the server', '[f] framing, chosen by the server'];
  if (cut) legend.push('long values cut to fit (--json shows them whole)');
  out.push(...wrap(legend, ' · ', options.width).map((line) => paint(c, '2', line)));
  return out.join('\n') + '\n';
}

/** Rows that differ but were cut in the table, in full: the difference may be past the cut. */
function renderCutDifferences(rows: readonly Row[], names: readonly string[], shown: number, options: RenderOptions): string[] {
  const out: string[] = [];
  const nameWidth = Math.max(...names.map((n) => n.length));
  for (const row of rows) {
    if (!row.differs || row.kind !== 'header' || row.values.every((v) => v === undefined || visible(v).length <= shown)) continue;
    out.push(paint(options.color, '33', `≠ ${row.label}${TAG[row.origin]}`));
    row.values.forEach((v, i) => out.push(`    ${names[i]!.padEnd(nameWidth)}  ${fit(visible(v ?? '—'), options.width - nameWidth - 6)}`));
  }
  return out;
}

/** The bodies as text, once when every app sent the same bytes, else one block per app. */
function renderBodies(answers: readonly Answer[], options: RenderOptions): string[] {
  const out: string[] = [];
  const same = answers.every((a) => a.body.equals(answers[0]!.body));
  const groups = same && answers.length > 1 ? [{ title: `every app (${answers[0]!.body.length} B)`, body: answers[0]!.body }] : answers.map((a) => ({ title: `${a.name} (${a.body.length} B)`, body: a.body }));
  for (const { title, body } of groups) {
    const text = asText(body);
    out.push(paint(options.color, '2', fit(`── body: ${title} `, options.width).padEnd(options.width, '─')));
    if (body.length === 0) continue;
    if (text === undefined) {
      out.push('  (binary; see the sha256 in the table)');
      continue;
    }
    const lines = text.replace(/\n$/, '').split('\n');
    for (const line of lines.slice(0, BODY_LINES)) out.push('  ' + fit(visible(line), options.width - 2));
    if (lines.length > BODY_LINES) out.push(`  … ${lines.length - BODY_LINES} more lines`);
  }
  return out;
}

/** `--raw`: each answer's bytes as received, CR and LF shown, one block per app. */
export function renderRaw(answers: readonly Answer[], options: RenderOptions): string {
  const out: string[] = [];
  for (const answer of answers) {
    out.push(paint(options.color, '1', `── ${answer.name}: ${answer.raw.length} bytes from ${answer.url} `.padEnd(options.width, '─')));
    if (answer.error !== undefined) out.push(`  error: ${answer.error}`);
    const headEnd = answer.raw.indexOf('\r\n\r\n');
    const head = headEnd === -1 ? answer.raw : answer.raw.subarray(0, headEnd + 4);
    for (const line of head.toString('latin1').split('\n')) if (line !== '') out.push(visible(line.replace(/\r$/, '\\r')) + '\\n');
    const body = headEnd === -1 ? Buffer.alloc(0) : answer.raw.subarray(headEnd + 4);
    const text = asText(body);
    if (body.length > 0 && text !== undefined && body.length <= 4096) {
      const lines = text.split('\n');
      if (lines.at(-1) === '') lines.pop();
      for (const line of lines) out.push(visible(line.replace(/\r$/, '\\r')) + '\\n');
      if (!text.endsWith('\n')) out[out.length - 1] = out[out.length - 1]!.slice(0, -2);
    } else if (body.length > 0) {
      out.push(`(${body.length} more bytes${text === undefined ? ', binary' : ''})`);
    }
  }
  return out.join('\n') + '\n';
}
