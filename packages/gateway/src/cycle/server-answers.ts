// What the server writes on its own, without the app: the answer to a request it refuses (rule
// 6.5), and the text of a request head for tracing.
import type { HttpError } from '../http/errors.ts';
import { httpDate } from '../http/date.ts';
import type { RequestHead } from '../http/parser.ts';
import { statusLine } from '../http/vocabulary.ts';

/** A refusal: plain text that names the problem, and `Connection: close` (the server closes after it). */
export function errorResponse(error: HttpError, now: number, serverLine: string): { head: string; bytes: Buffer } {
  // The message is UTF-8 (it may quote the request, or hold a '…'), the head latin-1: they are
  // joined as bytes, so Content-Length counts exactly what goes out.
  const text = Buffer.from(`${error.statusLine}: ${error.message}\n`, 'utf8');
  const head =
    statusLine(error.statusLine) +
    `Date: ${httpDate(now)}\r\n${serverLine}` +
    `Content-Type: text/plain; charset=utf-8\r\nContent-Length: ${text.length}\r\nConnection: close\r\n\r\n`;
  return { head, bytes: Buffer.concat([Buffer.from(head, 'latin1'), text]) };
}

/** A request head as text, as it came (for `--trace`). */
export function requestHeadText(head: RequestHead): string {
  let text = `${head.method} ${head.target} HTTP/1.${head.minor}\r\n`;
  for (let i = 0; i < head.rawHeaders.length; i += 2) text += `${head.rawHeaders[i]}: ${head.rawHeaders[i + 1]}\r\n`;
  return text + '\r\n';
}
