// The scenarios' HTTP client, on node:http (llhttp) so a response comes back as it was on the wire:
// raw header fields in order (two Set-Cookie stay two), the body's bytes untouched and hashed as
// they stream (a 50 MB echo is never held twice), and when each chunk arrived. The same client,
// with the same request bytes, talks to both servers: any difference is the server side's.
import { createHash } from 'node:crypto';
import http from 'node:http';

/** Every request names the same host, so `Host` (and what the apps echo of it) never differs by port. */
export const HOST_HEADER = 'fidelity.test';

export interface WireRequest {
  method?: string;
  /** The request-target, sent exactly as written (percent-encoding included). */
  path: string;
  headers?: Record<string, string>;
  /** A body sent at once, or a source of chunks written with backpressure (chunked unless sized). */
  body?: string | Uint8Array | (() => AsyncIterable<Uint8Array>);
  /** Send `Expect: 100-continue` and hold the body until 100 Continue arrives (or this many ms). */
  expectContinueMs?: number;
  /** Destroy the connection as soon as the first body chunk arrives. */
  disconnectAfterFirstChunk?: boolean;
  agent?: http.Agent | false;
}

export interface WireResponse {
  status: number;
  reason: string;
  /** `[name, value]` pairs as received. */
  headers: Array<[string, string]>;
  bodyLength: number;
  bodySha256: string;
  /** The first KiB of the body, for reading a difference; never compared. */
  bodyStart: Buffer;
  /** The first body chunk as the client saw it arrive. */
  firstChunk: Buffer | undefined;
  /** ms after the request was sent at which each body chunk arrived. */
  arrivals: number[];
  /** Whether 100 Continue arrived, and whether it came before the body was sent. */
  continued: boolean;
  bodyHeldUntilContinue: boolean;
  reusedSocket: boolean;
  /** ms after the request was sent at which the head arrived. */
  headAt: number;
  /** Whether the body ended cleanly (false: the connection was cut mid-response). */
  complete: boolean;
  /** Interim (1xx) responses other than 100, as `103 link=…`. */
  informational: string[];
  /** How the body was framed: `chunked`, `length` or `none`. */
  framing: string;
}

const PREVIEW_BYTES = 1024;

export function send(baseUrl: string, request: WireRequest): Promise<WireResponse> {
  const url = new URL(baseUrl);
  const started = performance.now();
  return new Promise<WireResponse>((resolve, reject) => {
    const headers: Record<string, string> = { host: HOST_HEADER, ...request.headers };
    if (request.expectContinueMs !== undefined) headers.expect = '100-continue';
    const req = http.request({
      host: url.hostname,
      port: url.port,
      method: request.method ?? 'GET',
      // A base URL with a path (an app mounted at `/express`) puts the request below it.
      path: (url.pathname === '/' ? '' : url.pathname) + request.path,
      headers,
      agent: request.agent ?? false,
    });
    let continued = false;
    const informational: string[] = [];
    req.on('information', (info) => {
      if (info.statusCode === 100) return;
      const fields: string[] = [];
      for (let i = 0; i + 1 < info.rawHeaders.length; i += 2)
        fields.push(`${info.rawHeaders[i]!.toLowerCase()}=${info.rawHeaders[i + 1]!}`);
      informational.push(`${info.statusCode} ${fields.join(' ')}`.trim());
    });
    let bodySent = false;
    let heldUntilContinue = false;
    let settled = false;
    const settle = (result: WireResponse | Error): void => {
      if (settled) return;
      settled = true;
      if (result instanceof Error) reject(result);
      else resolve(result);
    };

    req.on('response', (res) => {
      const headAt = performance.now() - started;
      const hash = createHash('sha256');
      const arrivals: number[] = [];
      const preview: Buffer[] = [];
      let previewed = 0;
      let length = 0;
      let firstChunk: Buffer | undefined;
      const result = (): WireResponse => {
        const pairs: Array<[string, string]> = [];
        for (let i = 0; i + 1 < res.rawHeaders.length; i += 2)
          pairs.push([res.rawHeaders[i]!, res.rawHeaders[i + 1]!]);
        return {
          status: res.statusCode ?? 0,
          reason: res.statusMessage ?? '',
          headers: pairs,
          bodyLength: length,
          bodySha256: hash.digest('hex'),
          bodyStart: Buffer.concat(preview),
          firstChunk,
          arrivals,
          continued,
          bodyHeldUntilContinue: heldUntilContinue,
          reusedSocket: req.reusedSocket,
          headAt,
          complete: res.complete,
          informational,
          framing:
            res.headers['transfer-encoding'] === 'chunked'
              ? 'chunked'
              : res.headers['content-length'] !== undefined
                ? 'length'
                : 'none',
        };
      };
      res.on('data', (chunk: Buffer) => {
        arrivals.push(performance.now() - started);
        firstChunk ??= chunk;
        hash.update(chunk);
        length += chunk.length;
        if (previewed < PREVIEW_BYTES) {
          preview.push(chunk.subarray(0, PREVIEW_BYTES - previewed));
          previewed += Math.min(chunk.length, PREVIEW_BYTES - previewed);
        }
        if (request.disconnectAfterFirstChunk === true && !settled) {
          // The client goes away mid-response: the connection is cut, not ended politely.
          const done = result();
          req.destroy();
          settle(done);
        }
      });
      // 'close' follows 'end' too; the result (its hash) is taken once, by whichever comes first.
      const finish = (): void => {
        if (!settled) settle(result());
      };
      res.on('end', finish);
      // A response cut short is an observation (complete: false), not a failed exchange.
      res.on('error', () => {});
      res.on('close', finish);
    });
    req.on('error', (error) => settle(error));

    const sendBody = (): void => {
      if (bodySent) return;
      bodySent = true;
      const body = request.body;
      if (typeof body === 'function') {
        void (async () => {
          for await (const chunk of body()) {
            if (!req.write(chunk)) await new Promise((drained) => req.once('drain', drained));
          }
          req.end();
        })().catch((error: unknown) =>
          settle(error instanceof Error ? error : new Error(String(error))),
        );
      } else {
        req.end(body);
      }
    };

    if (request.expectContinueMs === undefined) return sendBody();
    // node's client sends the head at once and the body only when told: after 100 Continue, or
    // after the wait a client may give up waiting for it (RFC 9110 §10.1.1).
    req.flushHeaders();
    req.on('continue', () => {
      continued = true;
      if (!bodySent) heldUntilContinue = true;
      sendBody();
    });
    const giveUpWaiting = setTimeout(sendBody, request.expectContinueMs);
    req.once('close', () => clearTimeout(giveUpWaiting));
  });
}

/** The header fields named `name` (any case), in order. */
export function fieldValues(response: WireResponse, name: string): string[] {
  const lower = name.toLowerCase();
  return response.headers.filter(([n]) => n.toLowerCase() === lower).map(([, v]) => v);
}
