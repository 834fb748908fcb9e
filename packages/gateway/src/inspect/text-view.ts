// One exchange as plain text (`/x/<id>.txt`), for a terminal and for the workshop's transcripts:
// the same parts as the HTML view, in the order a request crosses the interface. Served as
// text/plain with nosniff, so nothing in it is ever read as markup.
import type { Exchange } from './recorder.ts';

/** CR and LF shown as `\r` and `\n`, other control bytes as `\xNN`; one line per line. */
function visible(text: string): string[] {
  // eslint-disable-next-line no-control-regex -- control characters are what it shows
  const shown = text.replace(/[\x00-\x09\x0b-\x1f\x7f]/g, (c) =>
    c === '\r' ? '\\r' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
  const lines = shown.split('\n').map((line, i, all) => (i < all.length - 1 ? `${line}\\n` : line));
  return lines.filter((line, i) => !(i === lines.length - 1 && line === ''));
}

const ms = (value: number | undefined): string =>
  value === undefined ? '-' : `${value.toFixed(2)} ms`;

export function exchangeText(x: Exchange): string {
  const out: string[] = [
    `#${x.id} ${x.head.method} ${x.head.target}${x.app ? ` (app at ${x.app})` : ''}`,
    '',
  ];
  out.push('-- the request, as received --', ...visible(x.request.bytes.toString('latin1')));
  if (x.request.total > x.request.bytes.length)
    out.push(`(cut: ${x.request.bytes.length} of ${x.request.total} bytes kept)`);
  out.push('', '-- the environ the app got --');
  const width = Math.max(...x.environ.map(([key]) => key.length));
  for (const [key, value] of x.environ) out.push(`${key.padEnd(width)}  ${value}`);
  out.push('', '-- what the app did --');
  const steps = [
    ...x.calls.map((c) => ({
      at: c.at,
      lines: [
        `startResponse('${c.status}', [${c.headers.map(([n, v]) => `['${n}', '${v}']`).join(', ')}]${c.error ? `, ${c.error}` : ''})`,
      ],
    })),
    ...x.chunks.map((c) => ({
      at: c.at,
      lines: [`${c.via === 'write' ? 'write()' : 'body chunk'}: ${c.bytes} bytes`],
    })),
  ].sort((a, b) => a.at - b.at);
  for (const step of steps) out.push(`${ms(step.at).padStart(10)}  ${step.lines.join(' ')}`);
  out.push('', '-- the response head, as written, and who wrote each line --');
  if (x.response === null) out.push('(not written yet)');
  else {
    const lines = [x.response.statusLine, ...x.response.fields.map((f) => `${f.name}: ${f.value}`)];
    const pad = Math.max(...lines.map((l) => l.length)) + 2;
    out.push(`${lines[0]!.padEnd(pad)}server (the status is the app's)`);
    x.response.fields.forEach((f, i) => out.push(`${lines[i + 1]!.padEnd(pad)}${f.origin}`));
  }
  out.push('', '-- time per layer --');
  const t = x.timings;
  out.push(
    `parse ${ms(t.parse)}, environ ${ms(t.environ)}, app to startResponse ${ms(t.app)}, first body byte ${ms(t.firstByte)}, last byte ${ms(t.lastByte)}`,
  );
  return out.join('\n') + '\n';
}
