// Exercise 6's answer: the router of section 10, answering 405 with an Allow field when the path
// matches a route but the method does not (RFC 9110 §15.5.6), and 404 only when no path matches.
import type { App } from '@gateway-interop/gateway';
import { router } from '../router.ts';

export function with405(routes: Parameters<typeof router>[0]): App {
  const inner = router(routes);
  const patterns = Object.keys(routes).map((spec) => {
    const [method, pattern] = spec.split(' ') as [string, string];
    return { method, regex: new RegExp(`^${pattern.replace(/:(\w+)/g, '[^/]+')}$`) };
  });
  return (environ, startResponse) => {
    const path = environ.PATH_INFO || '/';
    const allowed = patterns.filter((p) => p.regex.test(path)).map((p) => p.method);
    if (allowed.length === 0 || allowed.includes(environ.REQUEST_METHOD))
      return inner(environ, startResponse);
    startResponse('405 Method Not Allowed', [
      ['Allow', [...new Set(allowed)].join(', ')],
      ['Content-Type', 'text/plain; charset=utf-8'],
    ]);
    return [`${environ.REQUEST_METHOD} is not allowed here\n`];
  };
}

export const app = with405({
  'GET /hello': () => ({ body: 'Hello!\n' }),
  'POST /hello': () => ({ status: '201 Created', body: 'made\n' }),
  'GET /hello/:name': (_environ, { name }) => ({ body: `Hello, ${name}!\n` }),
});
