// Exercise 1's answer: a route that answers 201 Created with a Location field. The app writes the
// status, Location and Content-Type; the server adds Date, Server and Content-Length.
import type { App } from '@gateway-interop/gateway';
import { app as bare } from '../../../apps/app-bare/src/app.ts';

export const app: App = (environ, startResponse) => {
  if (environ.REQUEST_METHOD === 'POST' && environ.PATH_INFO === '/things') {
    startResponse('201 Created', [
      ['Location', '/things/1'],
      ['Content-Type', 'text/plain; charset=utf-8'],
    ]);
    return ['created /things/1\n'];
  }
  return bare(environ, startResponse);
};
