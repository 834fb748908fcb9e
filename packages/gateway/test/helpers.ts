// Test helpers for talking to a real server over a real socket: start an app (through the
// validator, so every server test also checks the interface), send raw bytes, and read back
// responses framed the way HTTP/1.1 frames them.
import net from 'node:net';
import { serve } from '../src/server/server.ts';
import type { ServeHandle, ServerOptions } from '../src/server/server.ts';
import type { App } from '../src/types.ts';
import { validator } from '../src/validate/validate.ts';

const open: ServeHandle[] = [];

/** Serves `app` wrapped in the validator on 127.0.0.1, an ephemeral port. Closed by `closeAll`. */
export async function start(app: App, options: ServerOptions = {}): Promise<ServeHandle> {
  const handle = await serve(validator(app), { host: '127.0.0.1', port: 0, errors: { write() {} }, ...options });
  open.push(handle);
  return handle;
}

export async function closeAll(): Promise<void> {
  await Promise.all(open.splice(0).map((h) => h.close()));
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A raw client: write bytes, read what comes back, see whether the server closed. */
export class RawClient {
  readonly socket: net.Socket;
  private received = Buffer.alloc(0);
  ended = false;
  closed = false;
  private waiters: Array<() => void> = [];

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
      this.wake();
    });
    socket.on('end', () => {
      this.ended = true;
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => {});
  }

  static connect(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => resolve(new RawClient(socket)));
      socket.setNoDelay(true);
      socket.once('error', reject);
    });
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Waits until `test` holds for what was received (or the socket closed), at most `ms`. */
  async until(test: (text: string) => boolean, ms = 5000): Promise<string> {
    const deadline = Date.now() + ms;
    while (!test(this.text) && !this.closed) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out; received so far:\n${this.text}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.text;
  }

  /** Waits for `count` complete responses and returns them. */
  async responses(count: number, ms = 5000): Promise<ParsedResponse[]> {
    await this.until((t) => parseResponses(t).length >= count, ms);
    return parseResponses(this.text);
  }

  /** Waits until the server has closed the connection. */
  async closedByServer(ms = 5000): Promise<string> {
    return this.until(() => this.ended || this.closed, ms).then(() => this.text);
  }

  get text(): string {
    return this.received.toString('latin1');
  }

  get bytes(): Buffer {
    return this.received;
  }

  write(data: string | Buffer): Promise<void> {
    return new Promise((resolve, reject) =>
      this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data, (e) => (e ? reject(e) : resolve())),
    );
  }

  close(): void {
    this.socket.destroy();
  }
}

export interface ParsedResponse {
  status: number;
  statusLine: string;
  /** Lowercase names; repeated fields keep every value. */
  headers: Map<string, string[]>;
  body: Buffer;
  /** How the body was framed: 'length', 'chunked', 'close' or 'none'. */
  framing: string;
  rawHead: string;
}

/**
 * Splits a byte stream (latin-1 text) into complete responses. `noBody` lists which responses
 * answer HEAD (by index) so their declared framing is not read as a body. Stops at the first
 * incomplete one.
 */
export function parseResponses(text: string, noBody: ReadonlySet<number> = new Set()): ParsedResponse[] {
  const out: ParsedResponse[] = [];
  let pos = 0;
  while (pos < text.length) {
    const end = text.indexOf('\r\n\r\n', pos);
    if (end === -1) break;
    const rawHead = text.slice(pos, end + 2);
    const [statusLine = '', ...lines] = rawHead.split('\r\n').filter((l) => l !== '');
    const headers = new Map<string, string[]>();
    for (const line of lines) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).toLowerCase();
      headers.set(name, [...(headers.get(name) ?? []), line.slice(colon + 1).trim()]);
    }
    const status = Number(statusLine.split(' ')[1]);
    let bodyStart = end + 4;
    if (status >= 100 && status < 200) {
      pos = bodyStart;
      continue; // interim response: skip
    }
    let body = '';
    let framing = 'none';
    const te = headers.get('transfer-encoding')?.[0];
    const cl = headers.get('content-length')?.[0];
    if (noBody.has(out.length) || status === 204 || status === 304) {
      framing = 'none';
    } else if (te === 'chunked') {
      framing = 'chunked';
      let p = bodyStart;
      let complete = false;
      while (true) {
        const lineEnd = text.indexOf('\r\n', p);
        if (lineEnd === -1) break;
        const size = parseInt(text.slice(p, lineEnd), 16);
        if (size === 0) {
          if (text.length >= lineEnd + 4) {
            p = lineEnd + 4;
            complete = true;
          }
          break;
        }
        if (text.length < lineEnd + 2 + size + 2) break;
        body += text.slice(lineEnd + 2, lineEnd + 2 + size);
        p = lineEnd + 2 + size + 2;
      }
      if (!complete) break;
      bodyStart = p;
    } else if (cl !== undefined) {
      framing = 'length';
      const n = Number(cl);
      if (text.length < bodyStart + n) break;
      body = text.slice(bodyStart, bodyStart + n);
      bodyStart += n;
    } else {
      framing = 'close';
      body = text.slice(bodyStart);
      bodyStart = text.length;
    }
    out.push({ status, statusLine, headers, body: Buffer.from(body, 'latin1'), framing, rawHead });
    pos = bodyStart;
  }
  return out;
}

/** One request's bytes, HTTP/1.1 with Host unless `head` already has them. */
export function request(method: string, target: string, headers: string[] = [], body = ''): string {
  const lines = [`${method} ${target} HTTP/1.1`, 'Host: test', ...headers];
  if (body !== '' && !headers.some((h) => /^(content-length|transfer-encoding):/i.test(h))) {
    lines.push(`Content-Length: ${Buffer.byteLength(body, 'latin1')}`);
  }
  return lines.join('\r\n') + '\r\n\r\n' + body;
}
