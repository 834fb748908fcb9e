// The head as the gateway gets it from node's fields: status as the gateway writes it, fields in
// order, repeats kept, and nothing that belongs to the server (SPEC 3.4).
import { describe, expect, it } from 'vitest';
import { HeadFields, statusOf } from './response-head.ts';

function fieldsOf(lines: Array<[string, string]>): HeadFields {
  const fields = new HeadFields('HTTP/1.1 200 OK\r\n');
  for (const [name, value] of lines) fields.add(name, name.toLowerCase(), value);
  return fields;
}

describe('HeadFields', () => {
  it('keeps repeated fields in order, and the head as node would write it', () => {
    const fields = fieldsOf([
      ['Set-Cookie', 'a=1'],
      ['X-Test', 'x'],
      ['Set-Cookie', 'b=2'],
    ]);
    expect(fields.list()).toEqual([
      ['Set-Cookie', 'a=1'],
      ['X-Test', 'x'],
      ['Set-Cookie', 'b=2'],
    ]);
    expect(fields.text).toBe('HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nX-Test: x\r\nSet-Cookie: b=2\r\n');
  });

  it('drops hop-by-hop fields and those the Connection field names', () => {
    const fields = fieldsOf([
      ['Connection', 'keep-alive, X-Hop'],
      ['Keep-Alive', 'timeout=5'],
      ['Transfer-Encoding', 'chunked'],
      ['X-Hop', '1'],
      ['Upgrade', 'h2c'],
      ['TE', 'trailers'],
      ['Trailer', 'X'],
      ['Proxy-Connection', 'close'],
      ['Content-Length', '3'],
    ]);
    expect(fields.list()).toEqual([['Content-Length', '3']]);
  });

  it('trims values, which the gateway wants without surrounding whitespace', () => {
    expect(fieldsOf([['X-Pad', ' \t v w \t']]).list()).toEqual([['X-Pad', 'v w']]);
    expect(fieldsOf([['X-Nbsp', '\u00a0v\u00a0']]).list()).toEqual([['X-Nbsp', '\u00a0v\u00a0']]);
  });
});

describe('statusOf', () => {
  it('fills in an empty reason phrase from the status code', () => {
    expect(statusOf(201, 'Created')).toBe('201 Created');
    expect(statusOf(404, '')).toBe('404 Not Found');
    expect(statusOf(299, '')).toBe('299 ');
  });
});
