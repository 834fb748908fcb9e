// One request sent to one app, and everything that came back: the parsed answer a client sees and
// the raw bytes on the wire (for `--raw` and for telling apart what the server added). node:http is
// the client, so the request is an ordinary one; a listener beside the client's own on the socket
// keeps a copy of the bytes as they arrive.
import { createHash } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';

/** What to send: the same request goes to every app. */
export interface CompareRequest {
  method: string;
  /** Path and query below the app's mount point, e.g. `/hello?x=1`. */
  path: string;
  headers: Array<[name: string, value: string]>;
  body?: Uint8Array;
}

/** One app's answer. */
export interface Answer {
  /** The column's name, e.g. `express` or `express (native)`. */
  name: string;
  /** The URL the request went to. */
  url: string;
  status?: number;
  reason?: string;
  /** Response fields as received: names as sent, repeats kept, in order. */
  headers: Array<[name: string, value: string]>;
  body: Buffer;
  /** The response bytes exactly as received (head and body, framing included). */
  raw: Buffer;
  /** Milliseconds from sending the request to the last byte of the answer. */
  ms: number;
  /** Set when no complete answer came (refused, reset, timed out). */
  error?: string;
}

const TIMEOUT_MS = 10_000;
const KEEP_RAW_BYTES = 1 << 20;

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Where an app listens: a server's address and the app's mount prefix on it (`''` at the root). */
export interface Place {
  host: string;
  port: number;
  prefix: string;
}

/** The request's fields, plus the Host a client sends and a close (one request per connection). */
function withDefaults(headers: CompareRequest['headers'], host: string): CompareRequest['headers'] {
  const has = (name: string): boolean => headers.some(([n]) => n.toLowerCase() === name);
  return [...(has('host') ? [] : [['Host', host] as [string, string]]), ...headers, ...(has('connection') ? [] : [['Connection', 'close'] as [string, string]])];
}

/** Sends `request` to the app at `place` and collects the answer; never rejects. */
export function exchange(name: string, place: Place, request: CompareRequest): Promise<Answer> {
  // The path goes out as typed, never normalized by a URL parser: `..` and `%2F` stay.
  const path = place.prefix + request.path;
  const host = place.host.includes(':') ? `[${place.host}]` : place.host;
  const raw: Buffer[] = [];
  let rawLength = 0;
  const started = performance.now();
  return new Promise<Answer>((resolve) => {
    const answer: Answer = { name, url: `http://${host}:${place.port}${path}`, headers: [], body: Buffer.alloc(0), raw: Buffer.alloc(0), ms: 0 };
    let done = false;
    const finish = (error?: string): void => {
      if (done) return;
      done = true;
      answer.ms = performance.now() - started;
      answer.raw = Buffer.concat(raw);
      if (error !== undefined) answer.error = error;
      resolve(answer);
    };
    let req: http.ClientRequest;
    try {
      req = http.request(
      {
        host: place.host,
        port: place.port,
        method: request.method,
        path,
        headers: withDefaults(request.headers, `${host}:${place.port}`).flat(),
        timeout: TIMEOUT_MS,
        // No agent: with createConnection alone, node:http opens this one socket and closes it after.
        createConnection: () => {
          const socket = net.createConnection({ host: place.host, port: place.port });
          socket.on('data', (chunk: Buffer) => {
            if (rawLength >= KEEP_RAW_BYTES) return;
            raw.push(chunk);
            rawLength += chunk.length;
          });
          return socket;
        },
      },
      (res) => {
        answer.status = res.statusCode;
        answer.reason = res.statusMessage;
        for (let i = 0; i < res.rawHeaders.length; i += 2) answer.headers.push([res.rawHeaders[i]!, res.rawHeaders[i + 1]!]);
        const parts: Buffer[] = [];
        res.on('data', (chunk: Buffer) => parts.push(chunk));
        res.on('end', () => {
          answer.body = Buffer.concat(parts);
          finish();
        });
        res.on('error', (error) => finish(error.message));
        res.on('aborted', () => finish('the response was cut short'));
      },
    );
    } catch (error) {
      // node:http refuses some targets and header values before sending anything.
      finish((error as Error).message);
      return;
    }
    req.on('timeout', () => req.destroy(new Error(`no answer in ${TIMEOUT_MS / 1000} s`)));
    req.on('error', (error) => finish(error.message));
    req.end(request.body === undefined ? undefined : Buffer.from(request.body));
  });
}
