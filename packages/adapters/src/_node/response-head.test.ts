// Reading node's serialized head back: status as the gateway writes it, fields in order, repeats
// kept, and nothing that belongs to the server (SPEC 3.4).
import { describe, expect, it } from 'vitest';
import { parseHead } from './response-head.ts';

describe('parseHead', () => {
  it('reads the status and keeps repeated fields in order', () => {
    const head = 'HTTP/1.1 201 Created\r\nSet-Cookie: a=1\r\nX-Test: x\r\nSet-Cookie: b=2\r\n\r\n';
    expect(parseHead(head)).toEqual({
      status: '201 Created',
      headers: [
        ['Set-Cookie', 'a=1'],
        ['X-Test', 'x'],
        ['Set-Cookie', 'b=2'],
      ],
    });
  });

  it('drops hop-by-hop fields and those the Connection field names', () => {
    const head =
      'HTTP/1.1 200 OK\r\nConnection: keep-alive, X-Hop\r\nKeep-Alive: timeout=5\r\nTransfer-Encoding: chunked\r\n' +
      'X-Hop: 1\r\nUpgrade: h2c\r\nTE: trailers\r\nTrailer: X\r\nProxy-Connection: close\r\nContent-Length: 3\r\n\r\n';
    expect(parseHead(head).headers).toEqual([['Content-Length', '3']]);
  });

  it('trims values, which the gateway wants without surrounding whitespace', () => {
    expect(parseHead('HTTP/1.1 200 OK\r\nX-Pad:   v  \r\n\r\n').headers).toEqual([['X-Pad', 'v']]);
  });

  it('fills in an empty reason phrase from the status code', () => {
    expect(parseHead('HTTP/1.1 404 \r\n\r\n').status).toBe('404 Not Found');
    expect(parseHead('HTTP/1.1 299 \r\n\r\n').status).toBe('299 ');
  });
});
