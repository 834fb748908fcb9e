// resolveClient: who the client is behind trusted proxies (SPEC rule 2.8), from X-Forwarded-For /
// X-Forwarded-Proto or from Forwarded (RFC 7239). The rule under test: a header is believed only
// as far back as an unbroken chain of trusted proxies reaches from the TCP peer.
import { describe, expect, it } from 'vitest';
import { compileTrust, resolveClient } from './proxy-trust.ts';
import type { Client } from './proxy-trust.ts';

const peer = (address: string, scheme: Client['scheme'] = 'http'): Client => ({ address, port: '5000', scheme });
const h = (...pairs: string[]): string[] => pairs;

describe('compileTrust', () => {
  it('takes addresses, CIDRs and the named ranges, as a list or a comma-separated string', () => {
    const trust = compileTrust('loopback, 10.0.0.0/8,192.0.2.7');
    expect(['127.0.0.1', '::1', '::ffff:127.0.0.1', '10.9.8.7', '192.0.2.7'].map((a) => trust.trusts(a, 0))).toEqual([true, true, true, true, true]);
    expect(['192.0.2.8', '11.0.0.1', 'unknown', ''].map((a) => trust.trusts(a, 0))).toEqual([false, false, false, false]);
  });

  it('refuses a bad entry, an empty list, and trust-everyone ranges, naming the problem', () => {
    expect(() => compileTrust('10.0.0.0/8, proxy.example')).toThrow(/trustProxy: invalid IP address: proxy.example/);
    expect(() => compileTrust('')).toThrow(/at least one/);
    expect(() => compileTrust('0.0.0.0/0')).toThrow(/invalid range/);
  });
});

describe('resolveClient with X-Forwarded-*', () => {
  const trust = compileTrust(['loopback', '10.0.0.0/8']);
  const xff = (value: string, proto?: string): string[] =>
    proto === undefined ? h('X-Forwarded-For', value) : h('X-Forwarded-For', value, 'X-Forwarded-Proto', proto);

  it('changes nothing without trust, whatever the headers say', () => {
    const me = peer('127.0.0.1');
    expect(resolveClient(me, xff('203.0.113.9', 'https'), null)).toBe(me);
  });

  it('changes nothing when the peer is not a trusted proxy', () => {
    const me = peer('198.51.100.1');
    expect(resolveClient(me, xff('203.0.113.9', 'https'), trust)).toBe(me);
  });

  it('believes a trusted peer about the client and its scheme', () => {
    expect(resolveClient(peer('127.0.0.1'), xff('203.0.113.9', 'https'), trust)).toEqual({ address: '203.0.113.9', port: '', scheme: 'https' });
  });

  it('walks back through trusted proxies and stops at the first untrusted hop (a spoofed entry stays unbelieved)', () => {
    // The client sent "X-Forwarded-For: 1.1.1.1" itself; 203.0.113.9 is the real client, seen by 10.0.0.2.
    const headers = xff('1.1.1.1, 203.0.113.9, 10.0.0.2', 'http, https, http');
    expect(resolveClient(peer('10.0.0.1'), headers, trust)).toEqual({ address: '203.0.113.9', port: '', scheme: 'https' });
  });

  it('takes the farthest hop when every hop is trusted', () => {
    expect(resolveClient(peer('10.0.0.1'), xff('10.0.0.3, 10.0.0.2'), trust).address).toBe('10.0.0.3');
  });

  it('joins repeated fields in order (RFC 9110 §5.3)', () => {
    const headers = h('X-Forwarded-For', '1.1.1.1', 'x-forwarded-for', '203.0.113.9, 10.0.0.2');
    expect(resolveClient(peer('10.0.0.1'), headers, trust).address).toBe('203.0.113.9');
  });

  it('a single X-Forwarded-Proto (set, not appended, by the nearest proxy) applies to the client', () => {
    expect(resolveClient(peer('10.0.0.1'), xff('203.0.113.9, 10.0.0.2', 'https'), trust).scheme).toBe('https');
  });

  it('aligns X-Forwarded-Proto from the right, so entries a client prepends are not believed', () => {
    expect(resolveClient(peer('127.0.0.1'), xff('203.0.113.9', 'https, http'), trust).scheme).toBe('http');
  });

  it('ignores a scheme other than http or https', () => {
    expect(resolveClient(peer('127.0.0.1', 'http'), xff('203.0.113.9', 'gopher'), trust).scheme).toBe('http');
  });

  it('takes the scheme alone from a trusted peer that sends no X-Forwarded-For', () => {
    expect(resolveClient(peer('127.0.0.1'), h('X-Forwarded-Proto', 'https'), trust)).toEqual({ address: '127.0.0.1', port: '5000', scheme: 'https' });
  });

  it('keeps the address of the proxy that vouched for a hop that is not an address', () => {
    expect(resolveClient(peer('10.0.0.1'), xff('garbage, 10.0.0.2'), trust).address).toBe('10.0.0.2');
    expect(resolveClient(peer('10.0.0.1'), xff('<script>'), trust).address).toBe('10.0.0.1');
  });

  it('reads ports and brackets some proxies add', () => {
    expect(resolveClient(peer('127.0.0.1'), xff('203.0.113.9:4711'), trust)).toMatchObject({ address: '203.0.113.9', port: '4711' });
    expect(resolveClient(peer('127.0.0.1'), xff('[2001:db8::17]:4711'), trust)).toMatchObject({ address: '2001:db8::17', port: '4711' });
    expect(resolveClient(peer('127.0.0.1'), xff('2001:db8::17'), trust)).toMatchObject({ address: '2001:db8::17', port: '' });
  });

  it('does not read Forwarded when the proxies write X-Forwarded-*', () => {
    const headers = h('Forwarded', 'for=1.1.1.1;proto=https', 'X-Forwarded-For', '203.0.113.9');
    expect(resolveClient(peer('127.0.0.1'), headers, trust)).toEqual({ address: '203.0.113.9', port: '', scheme: 'http' });
  });
});

describe('resolveClient with Forwarded (RFC 7239)', () => {
  const trust = compileTrust(['loopback', '10.0.0.0/8'], 'forwarded');

  it('believes a trusted peer, element by element, each with its own proto', () => {
    const headers = h('Forwarded', 'for=1.1.1.1;proto=http, for=203.0.113.9;proto=https, for=10.0.0.2;proto=http');
    expect(resolveClient(peer('10.0.0.1'), headers, trust)).toEqual({ address: '203.0.113.9', port: '', scheme: 'https' });
  });

  it('reads quoted IPv6 nodes with ports, and case-insensitive parameter names (RFC 7239 §4, §6)', () => {
    const headers = h('Forwarded', 'For="[2001:db8:cafe::17]:4711";Proto=https;by=10.0.0.1');
    expect(resolveClient(peer('127.0.0.1'), headers, trust)).toEqual({ address: '2001:db8:cafe::17', port: '4711', scheme: 'https' });
  });

  it('falls back to the vouching proxy for "unknown" and obfuscated nodes (RFC 7239 §6.2–6.3), keeping the reported scheme', () => {
    expect(resolveClient(peer('127.0.0.1'), h('Forwarded', 'for=unknown;proto=https'), trust)).toEqual({ address: '127.0.0.1', port: '5000', scheme: 'https' });
    expect(resolveClient(peer('10.0.0.1'), h('Forwarded', 'for=_hidden, for=10.0.0.2'), trust).address).toBe('10.0.0.2');
  });

  it('ignores a header that does not parse, whole', () => {
    for (const value of ['for=1.1.1.1;for=2.2.2.2', 'for="1.1.1.1', 'for 1.1.1.1', 'for=1.1.1.1 x', 'for=a b']) {
      const me = peer('127.0.0.1');
      expect(resolveClient(me, h('Forwarded', value), trust)).toBe(me);
    }
  });

  it('joins repeated Forwarded fields in order', () => {
    const headers = h('Forwarded', 'for=1.1.1.1', 'Forwarded', 'for=203.0.113.9');
    expect(resolveClient(peer('127.0.0.1'), headers, trust).address).toBe('203.0.113.9');
  });

  it('does not read X-Forwarded-For when the proxies write Forwarded', () => {
    const headers = h('X-Forwarded-For', '1.1.1.1', 'X-Forwarded-Proto', 'https');
    const me = peer('127.0.0.1');
    expect(resolveClient(me, headers, trust)).toBe(me);
  });
});
