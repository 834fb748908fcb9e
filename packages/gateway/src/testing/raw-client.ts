// A raw node:net client for tests that must see the wire as it is: it writes exact bytes (no HTTP
// library to tidy them up), keeps every byte the server answers, and waits for a pattern, for a
// number of complete responses, or for the server to close. One client for every package's tests,
// so a fix to how it waits or frames reaches all of them.
import net from 'node:net';

type TextTest = RegExp | ((text: string) => boolean);

export class RawClient {
  private received = Buffer.alloc(0);
  private waiters: Array<() => void> = [];
  /** The server is done sending: it sent FIN, or the connection was reset or closed. */
  ended = false;
  /** The socket is closed on both sides. */
  closed = false;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
      this.wake();
    });
    socket.on('end', () => {
      this.ended = true;
      this.wake();
    });
    socket.on('close', () => {
      this.ended = true;
      this.closed = true;
      this.wake();
    });
    // A reset is an answer these tests look for; it shows in `ended`/`closed`, never as a throw.
    socket.on('error', () => {});
  }

  /** Connects with Nagle off, so each write leaves as its own segment where the test split it. */
  static connect(port: number, host = '127.0.0.1'): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ port, host, noDelay: true });
      socket.once('connect', () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  /** Everything received so far, as latin-1 (one character per byte). */
  get text(): string {
    return this.received.toString('latin1');
  }

  /** Everything received so far. */
  get bytes(): Buffer {
    return this.received;
  }

  /**
   * Writes `data` (a string as latin-1) and resolves once it is handed to the kernel. Writing to
   * a connection the server already closed resolves too: tests that provoke a close keep writing
   * into it on purpose, and read the outcome from what came back.
   */
  write(data: string | Uint8Array): Promise<void> {
    if (this.socket.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data, () => resolve());
    });
  }

  /** Resolves with the text once `test` holds for it; rejects after `ms`, naming what arrived. */
  async waitFor(test: TextTest, ms = 5000): Promise<string> {
    const holds = (): boolean => (typeof test === 'function' ? test(this.text) : test.test(this.text));
    await this.wait(holds, ms, () => `waited for ${String(test)}; received ${JSON.stringify(this.text)}`);
    return this.text;
  }

  /**
   * Like `waitFor`, but also resolves when the server closes first: for tests that then look at
   * whatever did arrive (a close is their answer as much as a response is).
   */
  async until(test: (text: string) => boolean, ms = 5000): Promise<string> {
    await this.wait(() => this.ended || test(this.text), ms, () => `timed out; received so far:\n${this.text}`);
    return this.text;
  }

  /** Waits for `count` complete responses (or the server's close) and returns those parsed. */
  async responses(count: number, ms = 5000): Promise<ParsedResponse[]> {
    await this.until((text) => parseResponses(text).length >= count, ms);
    return parseResponses(this.text);
  }

  /** Resolves with everything received once the server has closed its side (FIN or reset). */
  async waitForEnd(ms = 5000): Promise<string> {
    await this.wait(() => this.ended, ms, () => `the server did not close; received ${JSON.stringify(this.text)}`);
    return this.text;
  }

  /** Sends FIN: the client is done sending but still reads. */
  end(data?: string | Uint8Array): void {
    if (data === undefined) this.socket.end();
    else this.socket.end(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  /** Drops the connection at once. */
  close(): void {
    this.socket.destroy();
  }

  private wait(done: () => boolean, ms: number, why: () => string): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        reject(new Error(why()));
      }, ms);
      const check = (): void => {
        if (!done()) return;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== check);
        resolve();
      };
      this.waiters.push(check);
    });
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
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
 * Splits a byte stream (latin-1 text) into complete final responses, skipping interim (1xx) ones.
 * `noBody` lists which responses answer HEAD (by index) so their declared framing is not read as
 * a body. Stops at the first incomplete one.
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
      continue;
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

/** Status codes of every response head in `text`, in order, interim ones (100 Continue) included. */
export const statuses = (text: string): number[] => [...text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));

/** One request's bytes: HTTP/1.1, `Host: test`, and a Content-Length for `body` unless framed already. */
export function request(method: string, target: string, headers: string[] = [], body = ''): string {
  const lines = [`${method} ${target} HTTP/1.1`, 'Host: test', ...headers];
  if (body !== '' && !headers.some((h) => /^(content-length|transfer-encoding):/i.test(h))) {
    lines.push(`Content-Length: ${Buffer.byteLength(body, 'latin1')}`);
  }
  return lines.join('\r\n') + '\r\n\r\n' + body;
}
