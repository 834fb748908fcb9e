// Request framing that cannot be smuggled (RFC 9112 §6, §7; §2.2, §3, §5 for the head): each
// malformed request is answered by the server itself, the app is never called, the connection is
// closed, and a request pipelined behind the bad one is never answered. The differential fuzzer
// (test/fuzz) covers the space between these cases; these name each rule once.
import { describe, expect, it } from 'vitest';
import { okApp, statuses, withServer } from './_server.ts';

const H = 'Host: a\r\n';
const FOLLOWER = `GET /follower HTTP/1.1\r\n${H}\r\n`;
const post = (fields: string, body = ''): string => `POST / HTTP/1.1\r\n${H}${fields}\r\n${body}`;
const chunked = (body: string): string => post('Transfer-Encoding: chunked\r\n', body);

const REFUSED: Array<[string, string, number]> = [
  // RFC 9112 §6.3: Content-Length beside Transfer-Encoding, either order.
  ['Content-Length and Transfer-Encoding', post('Content-Length: 1\r\nTransfer-Encoding: chunked\r\n', '0\r\n\r\n'), 400],
  ['Transfer-Encoding and Content-Length', post('Transfer-Encoding: chunked\r\nContent-Length: 1\r\n', '0\r\n\r\n'), 400],
  // RFC 9112 §6.1: only a single, final chunked.
  ['Transfer-Encoding: xchunked', post('Transfer-Encoding: xchunked\r\n'), 501],
  ['Transfer-Encoding: identity', post('Transfer-Encoding: identity\r\n'), 501],
  ['Transfer-Encoding: gzip, chunked', post('Transfer-Encoding: gzip, chunked\r\n', '0\r\n\r\n'), 501],
  ['Transfer-Encoding: chunked, identity', post('Transfer-Encoding: chunked, identity\r\n'), 400],
  ['Transfer-Encoding: chunked twice', post('Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n', '0\r\n\r\n'), 400],
  ['Transfer-Encoding: ,chunked', post('Transfer-Encoding: ,chunked\r\n', '0\r\n\r\n'), 400],
  ['Transfer-Encoding: chunked,', post('Transfer-Encoding: chunked,\r\n', '0\r\n\r\n'), 400],
  ['empty Transfer-Encoding', post('Transfer-Encoding: \r\n'), 400],
  ['Transfer-Encoding: <VT>chunked', post('Transfer-Encoding: \u000bchunked\r\n', '0\r\n\r\n'), 400],
  ['Transfer-Encoding : chunked', post('Transfer-Encoding : chunked\r\n', '0\r\n\r\n'), 400],
  ['Transfer-Encoding in HTTP/1.0', 'POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', 400],
  // RFC 9110 §8.6: Content-Length is 1*DIGIT, once.
  ['Content-Length: +1', post('Content-Length: +1\r\n', 'x'), 400],
  ['Content-Length: -1', post('Content-Length: -1\r\n'), 400],
  ['Content-Length: 1.0', post('Content-Length: 1.0\r\n', 'x'), 400],
  ['Content-Length: 0x1', post('Content-Length: 0x1\r\n', 'x'), 400],
  ['Content-Length: 1 1', post('Content-Length: 1 1\r\n', 'x'), 400],
  ['Content-Length: 1,1', post('Content-Length: 1,1\r\n', 'x'), 400],
  ['empty Content-Length', post('Content-Length:\r\n'), 400],
  ['Content-Length repeated, same value', post('Content-Length: 1\r\nContent-Length: 1\r\n', 'x'), 400],
  ['Content-Length repeated, different values', post('Content-Length: 1\r\nContent-Length: 2\r\n', 'xx'), 400],
  ['Content-Length past 2^53', post('Content-Length: 99999999999999999999\r\n'), 413],
  // RFC 9112 §7.1: chunk sizes are hex digits, CRLF-terminated; extensions well formed.
  ['chunk size not hex', chunked('g\r\nx\r\n0\r\n\r\n'), 400],
  ['chunk size with 0x', chunked('0x1\r\nx\r\n0\r\n\r\n'), 400],
  ['chunk size negative', chunked('-1\r\nx\r\n0\r\n\r\n'), 400],
  ['space before chunk size', chunked(' 1\r\nx\r\n0\r\n\r\n'), 400],
  ['space after chunk size', chunked('1 \r\nx\r\n0\r\n\r\n'), 400],
  ['tab after chunk size', chunked('1\t\r\nx\r\n0\r\n\r\n'), 400],
  ['chunk size overflow', chunked('fffffffffffffffffff\r\nx\r\n0\r\n\r\n'), 413],
  ['bare LF after chunk size', chunked('1\nx\r\n0\r\n\r\n'), 400],
  ['chunk data without CRLF', chunked('1\r\nxy0\r\n\r\n'), 400],
  ['chunk data followed by bare LF', chunked('1\r\nx\n0\r\n\r\n'), 400],
  ['empty chunk extension', chunked('1;\r\nx\r\n0\r\n\r\n'), 400],
  ['space in chunk extension', chunked('1; a=b\r\nx\r\n0\r\n\r\n'), 400],
  ['chunk extension without a value', chunked('1;a=\r\nx\r\n0\r\n\r\n'), 400],
  ['control character in quoted chunk extension', chunked('1;a="\u0001"\r\nx\r\n0\r\n\r\n'), 400],
  ['Content-Length in trailers', chunked('1\r\nx\r\n0\r\nContent-Length: 5\r\n\r\n'), 400],
  ['Transfer-Encoding in trailers', chunked('1\r\nx\r\n0\r\ntransfer-encoding: chunked\r\n\r\n'), 400],
  ['obs-fold in trailers', chunked('1\r\nx\r\n0\r\nX: a\r\n b\r\n\r\n'), 400],
  // RFC 9112 §2.2: CRLF only; §5.1–5.2: no space before the colon, no obs-fold; RFC 9110 §5.5: no CTLs.
  ['bare LF ending the request line', `GET / HTTP/1.1\n${H}\r\n`, 400],
  ['bare LF ending a field line', `GET / HTTP/1.1\r\nHost: a\n\r\n`, 400],
  ['bare LF ending the head', `GET / HTTP/1.1\r\n${H}\n`, 400],
  ['bare CR inside a field value', `GET / HTTP/1.1\r\n${H}X: a\rb\r\n\r\n`, 400],
  ['obs-fold', `GET / HTTP/1.1\r\n${H}X: a\r\n b\r\n\r\n`, 400],
  ['whitespace between field name and colon', `GET / HTTP/1.1\r\n${H}X : a\r\n\r\n`, 400],
  ['field line starting with whitespace', `GET / HTTP/1.1\r\n ${H}\r\n`, 400],
  ['invalid token character in the method', `G(T / HTTP/1.1\r\n${H}\r\n`, 400],
  ['invalid token character in a field name', `GET / HTTP/1.1\r\n${H}X(Y: a\r\n\r\n`, 400],
  ['empty field name', `GET / HTTP/1.1\r\n${H}: a\r\n\r\n`, 400],
  ['NUL in a field value', `GET / HTTP/1.1\r\n${H}X: a\u0000b\r\n\r\n`, 400],
  ['control character in a field value', `GET / HTTP/1.1\r\n${H}X: \u0001\r\n\r\n`, 400],
  ['DEL in a field value', `GET / HTTP/1.1\r\n${H}X: a\u007f\r\n\r\n`, 400],
  ['double space in the request line', `GET  / HTTP/1.1\r\n${H}\r\n`, 400],
  ['control character in the target', `GET /a\u0001 HTTP/1.1\r\n${H}\r\n`, 400],
  ['authority with a quote', `GET http://a"b/ HTTP/1.1\r\n${H}\r\n`, 400],
  // RFC 9112 §3.2: exactly one valid Host in HTTP/1.1.
  ['HTTP/1.1 without Host', 'GET / HTTP/1.1\r\n\r\n', 400],
  ['two Host fields', `GET / HTTP/1.1\r\n${H}${H}\r\n`, 400],
  ['Host with a space', 'GET / HTTP/1.1\r\nHost: a b\r\n\r\n', 400],
  ['Host with userinfo', 'GET / HTTP/1.1\r\nHost: u@a\r\n\r\n', 400],
  // RFC 9112 §2.3 and RFC 9110 §15.6.6: only 1.0 and 1.1 are served.
  ['HTTP/1.2', `GET / HTTP/1.2\r\n${H}\r\n`, 505],
  ['HTTP/2.0', `GET / HTTP/2.0\r\n${H}\r\n`, 505],
  ['HTTP/0.9', `GET / HTTP/0.9\r\n${H}\r\n`, 505],
  ['HTTP/3.0', `GET / HTTP/3.0\r\n${H}\r\n`, 505],
  ['HTTP/1.10', `GET / HTTP/1.10\r\n${H}\r\n`, 400],
  ['http/1.1 in lower case', `GET / http/1.1\r\n${H}\r\n`, 400],
  ['no version (HTTP/0.9 style)', 'GET /\r\n\r\n', 400],
  // RFC 9110 §10.1.1: an expectation we cannot meet.
  ['Expect: something else', `GET / HTTP/1.1\r\n${H}Expect: fly\r\n\r\n`, 417],
];

describe('6.5 framing that cannot be smuggled', () => {
  it.each(REFUSED)('refuses %s, closes, and answers nothing behind it', async (name, request, status) => {
    const app = okApp();
    await withServer(app, {}, async (server) => {
      const client = await server.open();
      client.write(request + FOLLOWER);
      const text = await client.waitForEnd();
      // One answer, the refusal; the pipelined request behind it is never read as a request.
      expect(statuses(text)).toEqual([status]);
      expect(text).toContain('Connection: close\r\n');
    });
    // Refused where the bad byte is: a bad head never reaches the app; a body framing error comes
    // after a good head, which may already have called it, once (never for the follower).
    expect(app.calls).toBeLessThanOrEqual(/chunk|trailers/.test(name) ? 1 : 0);
  });

  it('after a chunked body refused mid-stream, the app sees its input fail and the client gets 400', async () => {
    let failure: unknown;
    await withServer(
      async (environ, startResponse) => {
        try {
          for await (const _chunk of environ['gateway.input']);
        } catch (error) {
          failure = error;
        }
        startResponse('200 OK', []);
        return ['read'];
      },
      {},
      async (server) => {
        const client = await server.open();
        client.write(chunked('1\r\nx\r\n1 \r\ny\r\n0\r\n\r\n') + FOLLOWER);
        expect(statuses(await client.waitForEnd())).toEqual([400]);
      },
    );
    expect(failure).toBeInstanceOf(Error);
  });

  it('serves well-framed pipelined requests, chunked with extensions and trailers included', async () => {
    const bodies: string[] = [];
    await withServer(
      async (environ, startResponse) => {
        const parts: Uint8Array[] = [];
        for await (const chunk of environ['gateway.input']) parts.push(chunk);
        bodies.push(Buffer.concat(parts).toString('latin1'));
        startResponse('200 OK', []);
        return ['ok'];
      },
      {},
      async (server) => {
        const client = await server.open();
        client.write(
          chunked('3;a=b;c="d\\"e"\r\nabc\r\n00002\r\nde\r\n0\r\nX-Checksum: 1\r\n\r\n') +
            post('Content-Length: 3\r\n', 'xyz') +
            '\r\n' + // RFC 9112 §2.2: an empty line before a request line is ignored
            `GET / HTTP/1.1\r\n${H}Connection: close\r\n\r\n`,
        );
        expect(statuses(await client.waitForEnd())).toEqual([200, 200, 200]);
      },
    );
    expect(bodies).toEqual(['abcde', 'xyz', '']);
  });

  it('a request split at every byte is served the same', async () => {
    const request = chunked('3;a=b\r\nabc\r\n0\r\n\r\n');
    await withServer(okApp(), {}, async (server) => {
      const client = await server.open();
      for (const byte of Buffer.from(request + `GET / HTTP/1.1\r\n${H}Connection: close\r\n\r\n`, 'latin1')) {
        client.write(Buffer.of(byte));
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(statuses(await client.waitForEnd())).toEqual([200, 200]);
    });
  });
});
