// Answer to the workshop's dispatcher exercise: one app that sends `/express/...` to the Express
// app and `/hono/...` to the Hono app, moving the prefix from PATH_INFO to SCRIPT_NAME. Fifteen
// lines that show the idea; `mount()` from the gateway package is the finished version (it matches
// on the raw path, so an encoded `%2F` cannot cross from one prefix into another, and it nests).
import type { App } from '@gateway-interop/gateway';
import { app as expressApp } from '../../../apps/app-express/src/app.ts';
import { app as honoApp } from '../../../apps/app-hono/src/app.ts';

const routes: Array<[prefix: string, app: App]> = [
  ['/express', expressApp],
  ['/hono', honoApp],
];

export const app: App = (environ, startResponse) => {
  for (const [prefix, inner] of routes) {
    const path = environ.PATH_INFO;
    if (path === prefix || path.startsWith(`${prefix}/`)) {
      return inner({ ...environ, SCRIPT_NAME: environ.SCRIPT_NAME + prefix, PATH_INFO: path.slice(prefix.length) }, startResponse);
    }
  }
  startResponse('404 Not Found', [['Content-Type', 'text/plain; charset=utf-8']]);
  return ['no app here\n'];
};
