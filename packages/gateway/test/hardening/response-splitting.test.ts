// Responses that cannot be split (RFC 9112 §11.1, SPEC rules 3.1–3.4): a status, header name or
// header value from the app that holds CR, LF, NUL or another character the wire cannot carry is
// an app error. The client gets a plain 500, the bad text never reaches the wire, the error goes
// to the error stream, and the connection serves the next request.
import { describe, expect, it } from 'vitest';
import type { HeaderList } from '../../src/types.ts';
import { statuses, withServer } from './_server.ts';

const GET = 'GET / HTTP/1.1\r\nHost: a\r\n\r\n';

const BAD: Array<[string, string, HeaderList]> = [
  ['CRLF in a value (header injection)', '200 OK', [['X-Id', 'a\r\nSet-Cookie: injected=1']]],
  ['LF in a value', '200 OK', [['X-Id', 'a\nSet-Cookie: injected=1']]],
  ['CR in a value', '200 OK', [['X-Id', 'a\rinjected']]],
  ['NUL in a value', '200 OK', [['X-Id', 'a\u0000injected']]],
  ['DEL in a value', '200 OK', [['X-Id', 'a\u007finjected']]],
  ['a character above U+00FF in a value', '200 OK', [['X-Id', 'injected\u2028']]],
  ['CRLF in a name', '200 OK', [['X-Id\r\nSet-Cookie', 'injected=1']]],
  ['a colon in a name', '200 OK', [['Set-Cookie: injected=1\r\nX', 'a']]],
  ['a space in a name', '200 OK', [['X injected', 'a']]],
  ['an empty name', '200 OK', [['', 'injected']]],
  ['CRLF in the status', '200 OK\r\nSet-Cookie: injected=1', []],
  ['a status without a reason separator', '200injected', []],
  ['a hop-by-hop field (framing is the server’s)', '200 OK', [['Transfer-Encoding', 'injected']]],
  ['a second, different Content-Length', '200 OK', [['Content-Length', '2'], ['Content-Length', '3']]],
  ['a non-numeric Content-Length', '200 OK', [['Content-Length', '2, injected']]],
];

describe('responses that cannot be split', () => {
  it.each(BAD)('%s: 500, nothing of it on the wire, connection kept', async (_name, status, headers) => {
    let calls = 0;
    await withServer(
      (_environ, startResponse) => {
        calls++;
        if (calls > 1) {
          startResponse('200 OK', []);
          return ['fine'];
        }
        startResponse(status, headers);
        return ['ok'];
      },
      {},
      async (server) => {
        const client = await server.open();
        client.write(GET + GET);
        const text = await client.waitFor((t) => statuses(t).length === 2 && t.endsWith('fine'));
        expect(statuses(text)).toEqual([500, 200]);
        expect(text).not.toContain('injected');
        expect(server.errors.join('')).toMatch(/AppError: SPEC rule 3\.\d|SPEC rule 4\.4/);
      },
    );
  });

  it('a bad header given with write() before any chunk is refused the same way', async () => {
    await withServer(
      async (_environ, startResponse) => {
        const write = startResponse('200 OK', [['X-Id', 'a\r\nSet-Cookie: injected=1']]);
        await write('body');
        return [];
      },
      {},
      async (server) => {
        const client = await server.open();
        client.write(GET);
        const text = await client.waitFor(/Internal Server Error\n$/);
        expect(statuses(text)).toEqual([500]);
        expect(text).not.toContain('injected');
      },
    );
  });
});
