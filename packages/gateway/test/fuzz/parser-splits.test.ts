// The parser in-process, without sockets: a stream of pipelined requests (valid and mutated)
// must produce the same events, body bytes and error whether it arrives whole, byte by byte, or
// cut anywhere. This is the property that makes packet boundaries invisible, checked at far more
// boundaries than the socket fuzzer can afford, and with small limits so the limit checks (which
// look at unfinished lines) are cut too.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HttpError } from '../../src/http/errors.ts';
import { RequestParser } from '../../src/http/parser.ts';
import type { ParserLimits } from '../../src/http/parser.ts';
import { group, groupBytes, mutation, packets, serialize, validMessage, wireBytes } from './_requests.ts';

const DEFAULT_LIMITS: ParserLimits = { maxRequestLineBytes: 8192, maxHeaderBytes: 16384, maxHeaders: 100, maxBodyBytes: 1 << 30 };
const SMALL_LIMITS: ParserLimits = { maxRequestLineBytes: 40, maxHeaderBytes: 160, maxHeaders: 5, maxBodyBytes: 30 };

/**
 * Feeds the packets the way the connection does (take the head, reset after each complete
 * request) and logs every event. `repeatHeads`: with the `repeat-heads` trick (the fast engine's
 * parser) or without it (the reference parser).
 */
function events(parts: readonly Buffer[], limits: ParserLimits, repeatHeads = true): string[] {
  const log: string[] = [];
  let body: Buffer[] = [];
  const parser = new RequestParser(limits, { onBody: (chunk) => body.push(chunk), onBodyEnd: () => {} }, repeatHeads);
  try {
    for (const part of parts) {
      let pos = 0;
      while (pos < part.length) {
        pos = parser.execute(part, pos);
        const h = parser.takeHead();
        if (h !== null) log.push(`head ${JSON.stringify([h.method, h.target, h.minor, h.rawHeaders, h.contentLength, h.keepAlive, h.expectContinue])}`);
        if (parser.complete) {
          log.push(`complete ${Buffer.concat(body).toString('hex')}`);
          body = [];
          parser.reset();
        } else if (h === null) break;
      }
    }
    if (body.length > 0) log.push(`partial body ${Buffer.concat(body).toString('hex')}`);
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    log.push(`error ${error.status} ${error.message}`);
  }
  return log;
}

const bytewise = (stream: Buffer): Buffer[] => Array.from(stream, (_, i) => stream.subarray(i, i + 1));

describe('parser: packet boundaries change nothing', () => {
  it.each([
    ['default limits', DEFAULT_LIMITS],
    ['small limits', SMALL_LIMITS],
  ])('%s', (_name, limits) => {
    fc.assert(
      fc.property(group, fc.array(fc.nat(), { maxLength: 12 }), (g, cuts) => {
        const stream = Buffer.from(groupBytes(g).join(''), 'latin1');
        const whole = events([stream], limits);
        expect(events(packets(stream, cuts), limits)).toEqual(whole);
        expect(events(bytewise(stream), limits)).toEqual(whole);
        // The reference parser (no repeat-heads trick) reads every stream the same way.
        expect(events(packets(stream, cuts), limits, false)).toEqual(whole);
      }),
      { numRuns: 1500 },
    );
  });
});

// With the repeat-heads trick the parser reuses the strings of the previous request on a
// connection when the bytes match (http/_repeat-heads.ts), and skips the checks those bytes
// already passed. So a request
// that is the previous one with a small change (a byte, a header, a line ending) is the case to
// try: it must read exactly as it does on a fresh connection, errors included.
describe('parser: what came before on the connection changes nothing', () => {
  /** The events of `second` read on the connection right after `first`. */
  const afterFirst = (first: Buffer, second: Buffer, cuts: readonly number[]): string[] =>
    events([first, ...packets(second, cuts)], DEFAULT_LIMITS).slice(2); // minus the first's head and completion

  it('the same request again, and the same request changed', () => {
    fc.assert(
      fc.property(validMessage, fc.option(mutation, { freq: 5, nil: null }), fc.array(fc.nat(), { maxLength: 4 }), (m, change, cuts) => {
        const wire = serialize(m);
        const first = Buffer.from(wireBytes(wire), 'latin1');
        const second = Buffer.from(change === null ? wireBytes(wire) : change.apply(wire), 'latin1');
        expect(events([first], DEFAULT_LIMITS)).toHaveLength(2); // the first is valid and complete
        expect(afterFirst(first, second, cuts)).toEqual(events([second], DEFAULT_LIMITS, false));
      }),
      { numRuns: 3000 },
    );
  });

  it('a request sent twice, then its fields under another request line, then changed, in one stream cut anywhere', () => {
    // The second copy makes the parser keep the fields' bytes; the copies under another request
    // line are read through that check; cuts put heads across packets, which must neither be
    // kept wrongly nor matched wrongly.
    fc.assert(
      fc.property(validMessage, validMessage, fc.option(mutation, { freq: 5, nil: null }), fc.array(fc.nat(), { maxLength: 8 }), (m, other, change, cuts) => {
        const wire = serialize(m);
        const same = Buffer.from(wireBytes(wire), 'latin1');
        const relined = Buffer.from(wireBytes(serialize({ ...m, method: other.method, target: other.target, version: other.version })), 'latin1');
        const last = Buffer.from(change === null ? wireBytes(wire) : change.apply(wire), 'latin1');
        const alone = (b: Buffer): string[] => events([b], DEFAULT_LIMITS);
        const expected = [...alone(same), ...alone(same), ...alone(relined), ...alone(relined), ...alone(last)];
        const stream = Buffer.concat([same, same, relined, relined, last]);
        const got = events(packets(stream, cuts), DEFAULT_LIMITS);
        // A relined request may be refused (HTTP/1.0 with chunked, say); then nothing after it is read.
        expect(got).toEqual(expected.slice(0, got.length));
        expect(got.length === expected.length || got[got.length - 1]!.startsWith('error')).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('a longer request line over the kept fields still counts against the head limit (431)', () => {
    const limits = { ...DEFAULT_LIMITS, maxHeaderBytes: 100 };
    const fields = `Host: a\r\nX-Pad: ${'p'.repeat(40)}\r\n\r\n`;
    const short = `GET /a HTTP/1.1\r\n${fields}`; // 75 bytes of head
    const long = `GET /${'b'.repeat(40)} HTTP/1.1\r\n${fields}`; // 114 bytes of head
    const alone = events([Buffer.from(long)], limits);
    expect(alone).toEqual(['error 431 request header fields too large']);
    expect(events([Buffer.from(short + short + short + long)], limits).slice(6)).toEqual(alone);
  });

  it('a field that only grows or shrinks at its end is read as sent', () => {
    const first = Buffer.from('GET /a HTTP/1.1\r\nHost: a\r\nX-Id: 12\r\n\r\n', 'latin1');
    const second = Buffer.from('GET /ab HTTP/1.1\r\nHost: ab\r\nX-Idx: 1\r\n\r\n', 'latin1');
    expect(afterFirst(first, second, [])).toEqual([
      `head ${JSON.stringify(['GET', '/ab', 1, ['Host', 'ab', 'X-Idx', '1'], -1, true, false])}`,
      'complete ',
    ]);
  });
});
