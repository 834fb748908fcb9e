// What one request costs the server's own JavaScript, with no socket in the way: a Connection is
// fed request heads through a stand-in socket that takes the response and drops it, and the time
// per request is the median of 7 runs. This is the figure the optimizations in src/ quote; the
// socket and the kernel, which cost several times more, are measured by `npx pnpm bench`.
//
//   npx pnpm --filter @gateway-interop/gateway request-cost [requests per run, default 300000]
import { Connection } from '../src/cycle/connection.ts';
import type { ConnectionSettings } from '../src/cycle/connection.ts';
import type { App } from '../src/types.ts';

const perRun = Number(process.argv.filter((a) => a !== '--')[2] ?? 300_000);
if (!(perRun > 0)) {
  process.stderr.write('request-cost: the argument is a number of requests per run\n');
  process.exit(2);
}

const greeting = Buffer.from('Hello world from a bare gateway app!\n');
const hello: App = (_environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
  return [greeting];
};

const BROWSER_FIELDS =
  'Host: localhost:8888\r\nConnection: keep-alive\r\nsec-ch-ua: "Chromium";v="156", "Not-A.Brand";v="24"\r\n' +
  'sec-ch-ua-mobile: ?0\r\nsec-ch-ua-platform: "Linux"\r\nUpgrade-Insecure-Requests: 1\r\n' +
  'User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36\r\n' +
  'Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8\r\n' +
  'Sec-Fetch-Site: none\r\nSec-Fetch-Mode: navigate\r\nSec-Fetch-User: ?1\r\nSec-Fetch-Dest: document\r\n' +
  'Accept-Encoding: gzip, deflate, br, zstd\r\nAccept-Language: en-US,en;q=0.9\r\nCookie: session=abc123; theme=dark\r\n\r\n';

/** Each case is a cycle of heads sent one after another on one keep-alive connection. */
const CASES: Array<[string, string[]]> = [
  ['autocannon, same head each time (2 fields)', ['GET /hello HTTP/1.1\r\nHost: 127.0.0.1:8888\r\nConnection: keep-alive\r\n\r\n']],
  ['browser, same head each time (15 fields)', [`GET /hello HTTP/1.1\r\n${BROWSER_FIELDS}`]],
  ['browser, path changes each time (15 fields)', [`GET /hello HTTP/1.1\r\n${BROWSER_FIELDS}`, `GET /hello?page=2 HTTP/1.1\r\n${BROWSER_FIELDS}`]],
];

function measure(heads: string[]): { median: number; responseBytes: number } {
  const settings: ConnectionSettings = {
    app: hello,
    info: { serverName: '127.0.0.1', serverPort: '8888', urlScheme: 'http', multiprocess: false, errors: { write() {} }, trust: null },
    limits: { maxRequestLineBytes: 8192, maxHeaderBytes: 16384, maxHeaders: 100, maxBodyBytes: 1 << 30 },
    headersTimeoutMs: 20_000,
    bodyTimeoutMs: 30_000,
    keepAliveTimeoutMs: 5_000,
    maxRequestsPerConnection: 0,
    serverLine: 'Server: gateway-interop\r\n',
    trace: null,
    log: null,
    tap: null,
    reportError: (error) => {
      throw error;
    },
  };
  let onData: ((chunk: Buffer) => void) | undefined;
  let written = 0;
  const socket = {
    remoteAddress: '127.0.0.1',
    remotePort: 50000,
    writableLength: 0,
    on(event: string, listener: (chunk: Buffer) => void) {
      if (event === 'data') onData = listener;
      return socket;
    },
    write(data: { length: number }) {
      written += data.length;
      return true;
    },
    cork() {},
    uncork() {},
    end() {},
    destroy() {},
    pause() {},
    resume() {},
  };
  new Connection(socket as never, settings, { closing: false, forget() {} });
  // A fresh buffer per request, as a socket hands them out.
  const packets = Array.from({ length: 64 }, (_, i) => Buffer.from(heads[i % heads.length]!, 'latin1'));
  const feed = (n: number): void => {
    for (let i = 0; i < n; i++) onData!(packets[i & 63]!);
  };
  feed(100_000); // warm-up: let the optimizing compiler settle
  const runs: number[] = [];
  for (let run = 0; run < 7; run++) {
    const start = process.hrtime.bigint();
    feed(perRun);
    runs.push(Number(process.hrtime.bigint() - start) / perRun);
  }
  runs.sort((a, b) => a - b);
  return { median: runs[3]!, responseBytes: written };
}

process.stdout.write(`JavaScript cost of one GET /hello in-process, median of 7 runs of ${perRun.toLocaleString('en')} requests (Node ${process.version})\n`);
for (const [name, heads] of CASES) {
  const { median, responseBytes } = measure(heads);
  if (responseBytes === 0) throw new Error('no response was written');
  process.stdout.write(`  ${name.padEnd(46)} ${(median / 1000).toFixed(2)} µs\n`);
}
