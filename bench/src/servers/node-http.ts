// The baseline: bare node:http answering the same bytes as app-bare's /hello (status, content
// type, body), with nothing else in the way. `--port N` (or PORT); `--keep-alive-timeout ms` lets
// the memory script hold idle connections open longer than node's 5 s default.
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { port: { type: 'string' }, 'keep-alive-timeout': { type: 'string' } },
});
const port = Number(values.port ?? process.env.PORT ?? 8080);
const greeting = Buffer.from('Hello world from a bare gateway app!\n');
const notFound = Buffer.from('Not Found\n');
const headers = { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': greeting.length };
const notFoundHeaders = {
  'Content-Type': 'text/plain; charset=utf-8',
  'Content-Length': notFound.length,
};

const server = createServer((req, res) => {
  if (req.url === '/hello') {
    res.writeHead(200, headers);
    res.end(greeting);
  } else {
    res.writeHead(404, notFoundHeaders);
    res.end(notFound);
  }
});
if (values['keep-alive-timeout'] !== undefined) {
  server.keepAliveTimeout = Number(values['keep-alive-timeout']);
  // node also times out a connection waiting for its next request head; keep the two in step.
  server.headersTimeout = Math.max(server.headersTimeout, server.keepAliveTimeout + 1000);
  server.requestTimeout = 0;
}
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`node-http: listening on http://127.0.0.1:${port}/\n`);
});
const stop = (): void => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
