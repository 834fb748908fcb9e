// Any node handler works, not only frameworks: a plain `http.createServer` callback and a
// Connect-style middleware stack.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { callApp } from '@gateway-interop/gateway/testing';
import { validator } from '@gateway-interop/gateway/validate';
import { describe, expect, it } from 'vitest';
import { fromNodeHandler } from './node-handler.ts';

describe('fromNodeHandler', () => {
  it('serves a plain createServer callback', async () => {
    const app = fromNodeHandler((req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end(`${req.method} ${req.url} from ${req.socket.remoteAddress}`);
    });
    const result = await callApp(validator(app), { PATH_INFO: '/x', QUERY_STRING: 'y=1', REMOTE_ADDR: '192.0.2.1' });
    expect(result.text).toBe('GET /x?y=1 from 192.0.2.1');
  });

  it('serves a Connect-style stack of middleware', async () => {
    type Middleware = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;
    const stack: Middleware[] = [
      (_req, res, next) => (res.setHeader('X-First', '1'), next()),
      (req, res) => res.end(`reached ${req.url}`),
    ];
    const connectLike = (req: IncomingMessage, res: ServerResponse): void => {
      const run = (i: number): void => stack[i]?.(req, res, () => run(i + 1));
      run(0);
    };
    const result = await callApp(validator(fromNodeHandler(connectLike)), { PATH_INFO: '/deep' });
    expect(result.headers).toContainEqual(['X-First', '1']);
    expect(result.text).toBe('reached /deep');
  });
});
