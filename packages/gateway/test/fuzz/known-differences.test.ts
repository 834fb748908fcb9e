// Each deliberate difference from node:http's parser, shown with one request: we refuse it (or,
// for extension methods, accept it), Node 20 does the opposite, and the fuzzer's `explain` gives
// the name SECURITY.md lists it under with its RFC clause. If Node changes, this test says so.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explain, startTargets } from './_differential.ts';
import type { Targets } from './_differential.ts';

const next = 'GET /next HTTP/1.1\r\nHost: a\r\n\r\n';

/** [name, request bytes, what our handler sees, what Node's handler sees] (as counts of requests). */
const CASES: Array<[string, string, number, number]> = [
  ['duplicate-host', 'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n', 0, 1],
  ['invalid-host', 'GET / HTTP/1.1\r\nHost: a b\r\n\r\n', 0, 1],
  ['version-not-1.0-or-1.1', 'GET / HTTP/2.0\r\nHost: a\r\n\r\n', 0, 1],
  ['version-not-1.0-or-1.1', 'GET /\r\n\r\n', 0, 1],
  ['transfer-encoding-not-exactly-chunked', 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n', 0, 1],
  ['transfer-encoding-not-exactly-chunked', 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\r\nContent-Length: 1\r\n\r\nx', 0, 1],
  ['transfer-encoding-not-exactly-chunked', 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: ,chunked\r\n\r\n0\r\n\r\n', 0, 1],
  ['transfer-encoding-in-http-1.0', 'POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', 0, 1],
  ['asterisk-form-outside-options', 'GET * HTTP/1.1\r\nHost: a\r\n\r\n', 0, 1],
  ['fragment-in-absolute-form', 'GET http://a/b#c HTTP/1.1\r\nHost: a\r\n\r\n', 0, 1],
  ['expect-other-than-100-continue', 'GET / HTTP/1.1\r\nHost: a\r\nExpect: foo\r\n\r\n' + next, 0, 1],
  ['connection-close-wins', 'GET / HTTP/1.0\r\nConnection: close, keep-alive\r\n\r\n' + next, 1, 2],
  ['connection-close-wins', 'GET / HTTP/1.0\r\nConnection: keep-alive\r\nProxy-Connection: close\r\n\r\n' + next, 1, 2],
  ['proxy-connection-keep-alive-ignored', 'GET / HTTP/1.0\r\nProxy-Connection: keep-alive\r\n\r\n' + next, 1, 2],
  ['whitespace-in-request-line', 'GET  / HTTP/1.1\r\nHost: a\r\n\r\n', 0, 1],
  ['whitespace-in-request-line', 'GET /  HTTP/1.1\r\nHost: a\r\n\r\n', 0, 1],
  ['pipelined-after-missing-host', 'GET / HTTP/1.1\r\n\r\n' + next, 0, 1],
  ['stray-cr-or-lf-before-request-line', '\nGET / HTTP/1.1\r\nHost: a\r\n\r\n', 0, 1],
  ['stray-cr-or-lf-before-request-line', '\rGET / HTTP/1.1\r\nHost: a\r\n\r\n', 0, 1],
  ['lax-chunk-extension', 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1;;a\r\nx\r\n0\r\n\r\n', 0, 1],
  ['lax-chunk-extension', 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1;a=\r\nx\r\n0\r\n\r\n', 0, 1],
  ['lax-chunk-extension', 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1;a=b"c"\r\nx\r\n0\r\n\r\n', 0, 1],
  ['extension-method', 'FOO / HTTP/1.1\r\nHost: a\r\n\r\n', 1, 0],
  ['extension-method', 'get / HTTP/1.1\r\nHost: a\r\n\r\n', 1, 0],
];

describe('deliberate differences from node:http (SECURITY.md)', () => {
  let targets: Targets;
  beforeAll(async () => {
    targets = await startTargets();
  });
  afterAll(async () => {
    await targets.close();
  });

  it.each(CASES)('%s: %j', async (name, request, oursCount, nodeCount) => {
    const { ours, theirs } = await targets.exchange([Buffer.from(request, 'latin1')]);
    expect(ours.observed).toHaveLength(oursCount);
    expect(theirs.observed).toHaveLength(nodeCount);
    const at = Math.min(oursCount, nodeCount);
    expect(explain(ours.observed[at], theirs.observed[at], [request])).toBe(name);
  });
});
