// The two ways the server talks about traffic: an access log line per request (Common Log
// Format, as wsgiref and most servers write it) and, for teaching, a trace of every request and
// response head with `< ` and `> ` before each line, as the original webserver2.py prints them.
// Lines are gathered and written once per event-loop turn: a write per request would cost more
// than serving the request.
import type { RequestHead } from '../http/parser.ts';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
let clfSecond = -1;
let clfValue = '';

/** `21/Nov/2026:07:04:28 +0000`, made once a second. */
function clfDate(now: number): string {
  const second = Math.floor(now / 1000);
  if (second !== clfSecond) {
    clfSecond = second;
    const d = new Date(second * 1000);
    const pad = (n: number): string => String(n).padStart(2, '0');
    clfValue =
      `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:` +
      `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
  }
  return clfValue;
}

/** Something lines can be written to, e.g. process.stdout. */
export interface LineSink {
  write(text: string): unknown;
}

/** Collects text and writes it in one piece at the end of the current event-loop turn. */
export function batchedWriter(sink: LineSink): (text: string) => void {
  let pending = '';
  const flush = (): void => {
    const text = pending;
    pending = '';
    sink.write(text);
  };
  return (text) => {
    if (pending === '') setImmediate(flush);
    pending += text;
  };
}

export function accessLogger(sink: LineSink): (remote: string, head: RequestHead, status: number, bytes: number) => void {
  const write = batchedWriter(sink);
  return (remote, head, status, bytes) => {
    write(`${remote} - - [${clfDate(Date.now())}] "${head.method} ${head.target} HTTP/1.${head.minor}" ${status} ${bytes}\n`);
  };
}

export function tracer(sink: LineSink): (direction: '<' | '>', text: string) => void {
  const write = batchedWriter(sink);
  return (direction, text) => {
    const lines = text.split('\r\n');
    if (lines[lines.length - 1] === '') lines.pop();
    write(lines.map((line) => (line === '' ? `${direction}\n` : `${direction} ${line}\n`)).join(''));
  };
}
