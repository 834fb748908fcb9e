// A gateway callable with no framework at all: the Node twin of the original's wsgiapp.py.
// It speaks the interface directly: read environ, call startResponse, return the body.
import type { App } from '@gateway-interop/gateway';

const greeting = Buffer.from('Hello world from a bare gateway app!\n');
const notFound = Buffer.from('Not Found\n');

export const app: App = (environ, startResponse) => {
  if (environ.PATH_INFO === '/hello') {
    startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
    return [greeting];
  }
  startResponse('404 Not Found', [['Content-Type', 'text/plain; charset=utf-8']]);
  return [notFound];
};
