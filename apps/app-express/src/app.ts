// The demo routes written the Express way, with no gateway code in them: the same app runs under
// Express's own server (native.ts) and under the gateway (the last line), the way a Flask app runs
// under its dev server or any WSGI server. Every demo app answers these routes identically.
import { MAX_BINARY_SIZE, pseudoRandomBytes, queryNumber } from '@gateway-interop/demo-kit';
import { fromExpress } from '@gateway-interop/adapters/express';
import express from 'express';

export const expressApp = express();

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

expressApp.get('/hello', (_req, res) => {
  res.type('text/plain').send('Hello world from Express!');
});

// The request stream is piped into the response: nothing is buffered, whatever the size.
expressApp.post('/echo', (req, res) => {
  // setHeader, not res.type: Express would add a charset, and the echo keeps the type as sent.
  res.setHeader('Content-Type', req.get('content-type') ?? 'application/octet-stream');
  req.pipe(res);
});

expressApp.get('/stream', async (req, res) => {
  const n = queryNumber(req.query.n, 5, 10_000);
  const ms = queryNumber(req.query.ms, 100, 60_000);
  if (n === undefined || ms === undefined) {
    res.status(400).type('text/plain').send('n and ms must be whole numbers\n');
    return;
  }
  res.type('text/plain');
  for (let i = 1; i <= n && !res.destroyed; i++) {
    if (i > 1) await sleep(ms);
    res.write(`chunk ${i}\n`);
  }
  res.end();
});

expressApp.get('/cookies', (_req, res) => {
  res.cookie('a', '1').cookie('b', '2', { httpOnly: true }).type('text/plain').send('two cookies');
});

// req.baseUrl is where the app is mounted (app.use('/express', …), or the gateway's mount()).
expressApp.get('/redirect', (req, res) => {
  res.redirect(`${req.baseUrl}/hello`);
});

expressApp.get('/error', () => {
  throw new Error('boom');
});

expressApp.all('/inspect', (req, res) => {
  res.json({
    framework: 'express',
    method: req.method,
    path: req.path,
    query: req.query,
    headers: req.headers,
    remoteAddress: req.ip ?? null,
  });
});

expressApp.post('/json', express.json(), (req, res) => {
  res.json({ received: req.body as unknown });
});

expressApp.get('/binary', (req, res) => {
  const size = queryNumber(req.query.size, 1024, MAX_BINARY_SIZE);
  const seed = queryNumber(req.query.seed, 1, 0xffffffff);
  if (size === undefined || seed === undefined) {
    res.status(400).type('text/plain').send(`size must be a whole number up to ${MAX_BINARY_SIZE}, seed a whole number\n`);
    return;
  }
  const bytes = pseudoRandomBytes(size, seed);
  res.type('application/octet-stream').send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
});

export const app = fromExpress(expressApp);
