// A small HTTP client over node:http/https for the proxy test: one request, its status and body,
// and when the first and last bytes of the body arrived (to tell streaming from buffering).
import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';

export interface Reply {
  status: number;
  body: string;
  /** Milliseconds from sending to the first body byte, and to the end of the body. */
  firstByteMs: number;
  lastByteMs: number;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: Readable;
  agent?: http.Agent;
  /** Trusted CA for https (the test's self-signed certificate). */
  ca?: string;
}

export function request(url: string, options: RequestOptions = {}): Promise<Reply> {
  const started = performance.now();
  const target = new URL(url);
  const send = target.protocol === 'https:' ? https.request : http.request;
  return new Promise((resolve, reject) => {
    const req = send(
      target,
      {
        method: options.method ?? 'GET',
        headers: options.headers,
        agent: options.agent,
        ...(options.ca ? { ca: options.ca } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let firstByteMs = -1;
        res.on('data', (chunk: Buffer) => {
          if (firstByteMs < 0) firstByteMs = performance.now() - started;
          chunks.push(chunk);
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString(),
            firstByteMs,
            lastByteMs: performance.now() - started,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (options.body) options.body.pipe(req);
    else req.end();
  });
}

/** Runs `total` jobs with at most `concurrency` at a time; resolves when all are done. */
export async function bounded(
  total: number,
  concurrency: number,
  job: (i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < total) await job(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, lane));
}
