// The app each gateway backend serves behind nginx. Every answer says which process and port
// served it and who the app believes the client is, so the test can count the share of each
// backend and check the forwarding headers.
//   /whoami       {pid, port, remote, scheme}
//   /slow         the same after 600 ms (a request in flight when a backend is told to stop)
//   /upload       POST: reads the body as it streams in; {bytes, rssBefore, peakRss} (RSS sampled while reading)
//   /stream       five chunks 200 ms apart
import type { App, Environ } from '@gateway-interop/gateway';

const who = (environ: Environ): string =>
  JSON.stringify({
    pid: process.pid,
    port: environ.SERVER_PORT,
    remote: environ.REMOTE_ADDR,
    scheme: environ['gateway.url_scheme'],
  });

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export const app: App = async (environ, startResponse) => {
  const json: [string, string] = ['Content-Type', 'application/json'];
  switch (environ.PATH_INFO) {
    case '/whoami':
      startResponse('200 OK', [json]);
      return [who(environ)];
    case '/slow':
      await sleep(600);
      startResponse('200 OK', [json]);
      return [who(environ)];
    case '/upload': {
      let bytes = 0;
      const rssBefore = process.memoryUsage.rss();
      let peakRss = rssBefore;
      const sampler = setInterval(
        () => (peakRss = Math.max(peakRss, process.memoryUsage.rss())),
        20,
      );
      try {
        for await (const chunk of environ['gateway.input']) bytes += chunk.byteLength;
      } finally {
        clearInterval(sampler);
      }
      startResponse('200 OK', [json]);
      return [
        JSON.stringify({
          pid: process.pid,
          bytes,
          rssBefore,
          peakRss: Math.max(peakRss, process.memoryUsage.rss()),
        }),
      ];
    }
    case '/stream':
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return (async function* () {
        for (let i = 1; i <= 5; i++) {
          yield `chunk ${i}\n`;
          if (i < 5) await sleep(200);
        }
      })();
    default:
      startResponse('404 Not Found', [['Content-Type', 'text/plain']]);
      return ['not found\n'];
  }
};
