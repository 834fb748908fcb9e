// A small HTTP client for socket-level tests, built on node:http so that responses come back as
// they were on the wire: raw header fields in order (two Set-Cookie stay two), body bytes
// untouched, and the moment each chunk arrived (to tell streaming from buffering). For bytes no
// HTTP library would send, use RawClient (raw-client.ts).
import http from 'node:http';

export interface WireResponse {
  status: number;
  reason: string;
  /** `[name, value]` pairs as received. */
  headers: Array<[string, string]>;
  body: Buffer;
  /** Milliseconds after the request was sent at which each body chunk arrived. */
  arrivals: number[];
  /** Milliseconds after the request was sent at which the last request body byte was written. */
  uploaded: number;
}

export interface WireRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string | string[]>;
  body?: Uint8Array | string | AsyncIterable<Uint8Array>;
  /** Stop after this many body bytes by destroying the connection. */
  abortAfterBytes?: number;
}

export function fieldValues(response: WireResponse, name: string): string[] {
  return response.headers.filter(([n]) => n.toLowerCase() === name.toLowerCase()).map(([, v]) => v);
}

/** Sends one request to `baseUrl` on a fresh connection and gathers the response. */
export function send(baseUrl: string, request: WireRequest = {}): Promise<WireResponse> {
  const url = new URL(request.path ?? '/', baseUrl);
  const started = performance.now();
  let uploaded = 0;
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: request.method ?? 'GET', headers: request.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        const arrivals: number[] = [];
        let received = 0;
        res.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          arrivals.push(performance.now() - started);
          received += chunk.length;
          if (request.abortAfterBytes !== undefined && received >= request.abortAfterBytes) {
            req.destroy();
            resolve(result());
          }
        });
        const result = (): WireResponse => {
          const headers: Array<[string, string]> = [];
          for (let i = 0; i < res.rawHeaders.length; i += 2) headers.push([res.rawHeaders[i]!, res.rawHeaders[i + 1]!]);
          return { status: res.statusCode ?? 0, reason: res.statusMessage ?? '', headers, body: Buffer.concat(chunks), arrivals, uploaded };
        };
        res.on('end', () => resolve(result()));
        res.on('error', reject);
      },
    );
    req.on('error', (error) => {
      if (request.abortAfterBytes === undefined) reject(error);
    });
    const body = request.body;
    if (body === undefined || typeof body === 'string' || body instanceof Uint8Array) {
      req.end(body);
      uploaded = performance.now() - started;
    } else {
      void (async () => {
        for await (const chunk of body) {
          if (!req.write(chunk)) await new Promise((r) => req.once('drain', r));
        }
        req.end();
        uploaded = performance.now() - started;
      })().catch(reject);
    }
  });
}
