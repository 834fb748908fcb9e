// Knowing when a one-request connection has had its whole response and can be left idle.
import { describe, expect, it } from 'vitest';
import { responseComplete } from './memory-probe.ts';

describe('responseComplete', () => {
  const head = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\n';
  it('waits for the head and then Content-Length bytes of body', () => {
    expect(responseComplete(Buffer.from('HTTP/1.1 200 OK\r\nContent-Le'))).toBe(false);
    expect(responseComplete(Buffer.from(head + 'hel'))).toBe(false);
    expect(responseComplete(Buffer.from(head + 'hello'))).toBe(true);
  });
  it('treats a response without Content-Length as complete at the end of its head', () => {
    expect(responseComplete(Buffer.from('HTTP/1.1 204 No Content\r\n\r\n'))).toBe(true);
  });
});
