// What the app sees, printed: every environ key and its value, one line each — the picture
// webserver2.py's article draws of the WSGI environ, made by a five-line app.
import type { App } from '@gateway-interop/gateway';

// Objects and functions by their kind (a function's source says nothing here), the rest as text.
const shown = (value: unknown): string =>
  typeof value === 'function'
    ? `<function ${value.name}>`
    : typeof value === 'object' && value !== null && !Array.isArray(value)
      ? `<${value.constructor.name}>`
      : String(value);

export const app: App = (environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
  return Object.entries(environ).map(([key, value]) => `${key}: ${shown(value)}\n`);
};
