// Build your own framework: a router of about twenty lines written straight on the gateway
// interface. Routes are `METHOD /path/:param`; a handler gets the environ and the params and
// returns a status and a text body. No server knowledge, no framework: just environ and startResponse.
import type { App, Environ } from '@gateway-interop/gateway';

type Handler = (
  environ: Environ,
  params: Record<string, string>,
) => { status?: string; body: string };

export function router(routes: Record<string, Handler>): App {
  const table = Object.entries(routes).map(([spec, handler]) => {
    const [method, pattern] = spec.split(' ') as [string, string];
    const names: string[] = [];
    const source = pattern.replace(/:(\w+)/g, (_, name: string) => (names.push(name), '([^/]+)'));
    return { method, regex: new RegExp(`^${source}$`), names, handler };
  });
  return (environ, startResponse) => {
    for (const route of table) {
      const match = route.regex.exec(environ.PATH_INFO || '/');
      if (match === null || route.method !== environ.REQUEST_METHOD) continue;
      const { status = '200 OK', body } = route.handler(
        environ,
        Object.fromEntries(route.names.map((n, i) => [n, match[i + 1]!])),
      );
      startResponse(status, [['Content-Type', 'text/plain; charset=utf-8']]);
      return [body];
    }
    startResponse('404 Not Found', [['Content-Type', 'text/plain; charset=utf-8']]);
    return [`no route for ${environ.REQUEST_METHOD} ${environ.PATH_INFO}\n`];
  };
}

export const app = router({
  'GET /hello': () => ({ body: 'Hello world from a twenty-line framework!\n' }),
  'GET /hello/:name': (_environ, { name }) => ({ body: `Hello, ${name}!\n` }),
  'GET /where': (environ) => ({
    body: `SCRIPT_NAME=${environ.SCRIPT_NAME} PATH_INFO=${environ.PATH_INFO}\n`,
  }),
});
