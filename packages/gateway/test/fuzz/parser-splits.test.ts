// The parser in-process, without sockets: a stream of pipelined requests (valid and mutated)
// must produce the same events, body bytes and error whether it arrives whole, byte by byte, or
// cut anywhere. This is the property that makes packet boundaries invisible, checked at far more
// boundaries than the socket fuzzer can afford, and with small limits so the limit checks (which
// look at unfinished lines) are cut too.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HttpError } from '../../src/errors.ts';
import { RequestParser } from '../../src/http-parser.ts';
import type { ParserLimits } from '../../src/http-parser.ts';
import { group, groupBytes, packets } from './_requests.ts';

const DEFAULT_LIMITS: ParserLimits = { maxRequestLineBytes: 8192, maxHeaderBytes: 16384, maxHeaders: 100, maxBodyBytes: 1 << 30 };
const SMALL_LIMITS: ParserLimits = { maxRequestLineBytes: 40, maxHeaderBytes: 160, maxHeaders: 5, maxBodyBytes: 30 };

/** Feeds the packets the way connection.ts does (reset after each complete request) and logs every event. */
function events(parts: readonly Buffer[], limits: ParserLimits): string[] {
  const log: string[] = [];
  let body: Buffer[] = [];
  const parser = new RequestParser(limits, {
    onHead: (h) => log.push(`head ${JSON.stringify([h.method, h.target, h.minor, h.rawHeaders, h.contentLength, h.keepAlive, h.expectContinue])}`),
    onBody: (chunk) => body.push(chunk),
    onComplete: () => {
      log.push(`complete ${Buffer.concat(body).toString('hex')}`);
      body = [];
    },
  });
  try {
    for (const part of parts) {
      let pos = 0;
      while (pos < part.length) {
        pos = parser.execute(part, pos);
        if (!parser.complete) break;
        parser.reset();
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
      }),
      { numRuns: 1500 },
    );
  });
});
