// Exercise 3's answer: a dispatcher written by hand. `/express/...` goes to the Express app and
// `/hono/...` to the Hono app, the prefix moved from PATH_INFO to SCRIPT_NAME (SPEC rule 2.1), as
// mount() does (with more care for encoded slashes and the like).
import type { App } from '@gateway-interop/gateway';
import { app as express } from '../../../apps/app-express/src/app.ts';
import { app as hono } from '../../../apps/app-hono/src/app.ts';

const table: Record<string, App> = { '/express': express, '/hono': hono };

export const app: App = (environ, startResponse) => {
  for (const [prefix, inner] of Object.entries(table)) {
    const path = environ.PATH_INFO;
    if (path === prefix || path.startsWith(prefix + '/')) {
      return inner(
        {
          ...environ,
          SCRIPT_NAME: environ.SCRIPT_NAME + prefix,
          PATH_INFO: path.slice(prefix.length),
        },
        startResponse,
      );
    }
  }
  startResponse('404 Not Found', [['Content-Type', 'text/plain; charset=utf-8']]);
  return ['no app mounted here\n'];
};
