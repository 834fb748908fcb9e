// Middleware, gateway style: an app that wraps another app. It adds a Server-Timing header to
// whatever the inner app answers, without knowing what framework (if any) the inner app uses.
import type { App } from '@gateway-interop/gateway';
import { app as inner } from '../../apps/app-bare/src/app.ts';

export function withTiming(next: App): App {
  return (environ, startResponse) => {
    const started = performance.now();
    return next(environ, (status, headers, error) => {
      const ms = (performance.now() - started).toFixed(2);
      return startResponse(status, [...headers, ['Server-Timing', `app;dur=${ms}`]], error);
    });
  };
}

export const app = withTiming(inner);
