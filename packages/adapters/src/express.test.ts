// Express through the node bridge: the shared framework suite (test/framework-suite.ts) over the
// routes below, written the Express way, with `http.createServer(app)` as Express's own server.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { BINARY, GONE, addFrameworkTests, sleep } from '../test/framework-suite.ts';
import { fromExpress } from './express.ts';

function buildApp(): express.Express {
  const app = express();
  app.get('/hello', (_req, res) => {
    res.type('text/plain').send('Hello world from Express!');
  });
  app.get('/teapot', (_req, res) => {
    res.status(418).send('short and stout');
  });
  app.get('/cookies', (_req, res) => {
    res.append('X-Multi', 'a').append('X-Multi', 'b');
    res.cookie('a', '1').cookie('b', '2', { httpOnly: true }).send('two cookies');
  });
  app.get('/redirect', (_req, res) => {
    res.redirect('/hello');
  });
  app.get('/stream', async (req, res) => {
    res.type('text/plain');
    for (let i = 0; i < Number(req.query.n ?? 3); i++) {
      res.write(`chunk ${i}\n`);
      await sleep(Number(req.query.ms ?? 50));
    }
    res.end();
  });
  app.get('/binary', (_req, res) => {
    res.type('application/octet-stream').send(BINARY);
  });
  app.post('/echo', (req, res) => {
    res.type(req.get('content-type') ?? 'application/octet-stream');
    req.pipe(res);
  });
  app.post('/json', express.json(), (req, res) => {
    res.json({ received: req.body as unknown });
  });
  app.get('/error', () => {
    throw new Error('boom');
  });
  app.all('/inspect', (req, res) => {
    res.json({
      method: req.method,
      path: req.path,
      query: req.query,
      ip: req.ip,
      protocol: req.protocol,
      hostname: req.hostname,
      cookie: req.headers.cookie,
      multi: req.headers['x-multi'],
    });
  });
  app.get('/slow', (req, res) => {
    GONE.start();
    req.on('aborted', () => GONE.events.push('req aborted'));
    req.on('close', () => GONE.events.push('req close'));
    res.on('close', () => GONE.events.push('res close'));
    req.on('close', () => GONE.finish());
    res.write('first');
    const timer = setInterval(() => res.write('more'), 20);
    res.on('close', () => clearInterval(timer));
  });
  return app;
}

addFrameworkTests<express.Express>({
  name: 'Express',
  bridge: 'fromExpress',
  build: buildApp,
  toApp: fromExpress,
  async listen(app) {
    const server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  },
  fieldNames: 'as-written',
  helloType: 'text/plain; charset=utf-8',
  repeatedFields: 'kept',
  headLength: 'kept',
  redirectText: 'Found. Redirecting to /hello',
  errorPage: { type: 'text/html; charset=utf-8', contains: 'Error: boom' },
  logsErrors: false,
  inspectLocation: { path: '/inspect' },
  mountedLocation: { path: '/inspect' },
  goneEvents: ['req aborted', 'res close', 'req close'],
});
