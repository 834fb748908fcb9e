// Who the client is when the server sits behind proxies (SPEC rule 2.8). `Forwarded` (RFC 7239)
// and `X-Forwarded-For` / `X-Forwarded-Proto` are written by whoever sent the request, so they are
// believed only as far as a chain of proxies the operator named: walking back from the TCP peer,
// each hop that is a trusted proxy vouches for the one before it, and the first hop that is not
// is the client. With no trusted proxies (the default) the headers change nothing.
//
// Matching addresses against the list (CIDRs, IPv4-mapped IPv6, the `loopback` / `linklocal` /
// `uniquelocal` names) is proxy-addr's `compile`, the same code Express trusts; reading the
// headers is ours, because proxy-addr reads only X-Forwarded-For.
import { isIP } from 'node:net';
import proxyaddr from 'proxy-addr';
import { isToken } from '../http/vocabulary.ts';

/** Which header the trusted proxies write. They must also drop or overwrite what clients send in the other. */
export type ForwardedHeader = 'x-forwarded' | 'forwarded';

export interface ProxyTrust {
  /** True if `address` is a proxy whose forwarding headers are believed. */
  readonly trusts: (address: string, hop: number) => boolean;
  readonly header: ForwardedHeader;
}

/** The client as REMOTE_ADDR, REMOTE_PORT and gateway.url_scheme should show it. */
export interface Client {
  address: string;
  /** Digits, or `''` when a proxy reported the address without a port. */
  port: string;
  scheme: 'http' | 'https';
}

/**
 * Compiles the `trustProxy` option: addresses and CIDRs (`10.0.0.0/8`, `::1`), the names
 * `loopback`, `linklocal`, `uniquelocal`, as a list or one comma-separated string (the CLI's
 * `--trust-proxy`). Throws a TypeError naming a bad entry. There is no "trust everyone": a proxy
 * chain can only be believed as far as it is known.
 */
export function compileTrust(proxies: string | readonly string[], header: ForwardedHeader = 'x-forwarded'): ProxyTrust {
  const list = (typeof proxies === 'string' ? proxies.split(',') : [...proxies]).map((p) => p.trim()).filter((p) => p !== '');
  if (list.length === 0) throw new TypeError('trustProxy: name at least one proxy address, CIDR, or loopback/linklocal/uniquelocal');
  if (header !== 'x-forwarded' && header !== 'forwarded') {
    throw new TypeError(`trustProxy header must be "x-forwarded" or "forwarded", not ${JSON.stringify(header)}`);
  }
  try {
    return { trusts: proxyaddr.compile(list), header };
  } catch (error) {
    throw new TypeError(`trustProxy: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** One hop reported by a proxy: the address it received the request from, that connection's port and scheme. */
interface Hop {
  address: string;
  port: string;
  scheme: string | undefined;
}

/**
 * The client behind `peer` (the TCP peer, with the server's own scheme). Returns `peer` itself
 * when there is no trust, the peer is not a trusted proxy, or the headers say nothing usable.
 * `rawHeaders` is `[name, value, …]` as received (environ's `gateway.raw_headers`).
 */
export function resolveClient(peer: Client, rawHeaders: readonly string[], trust: ProxyTrust | null): Client {
  if (trust === null || !trust.trusts(peer.address, 0)) return peer;
  const hops = trust.header === 'forwarded' ? forwardedHops(rawHeaders) : xForwardedHops(rawHeaders);
  if (hops === null) {
    // A trusted peer may report the scheme alone (a TLS terminator adding only X-Forwarded-Proto).
    const protos = trust.header === 'x-forwarded' ? fieldList(rawHeaders, 'x-forwarded-proto') : null;
    return protos === null ? peer : { ...peer, scheme: schemeOf(protos.split(',').pop()!.trim(), peer.scheme) };
  }
  // hops[hops.length - 1] is what the peer reported; walk outward while each hop is trusted.
  let i = hops.length - 1;
  while (i > 0 && trust.trusts(hops[i]!.address, hops.length - i)) i--;
  const hop = hops[i]!;
  const scheme = schemeOf(hop.scheme, peer.scheme);
  if (isIP(hop.address) !== 0) return { address: hop.address, port: hop.port, scheme };
  // Not an address ("unknown", an obfuscated name, garbage): the last address vouched for is
  // the proxy that reported it.
  const reporter = i === hops.length - 1 ? peer : hops[i + 1]!;
  return { address: reporter.address, port: reporter.port, scheme };
}

const schemeOf = (reported: string | undefined, fallback: Client['scheme']): Client['scheme'] => {
  const scheme = reported?.toLowerCase();
  return scheme === 'http' || scheme === 'https' ? scheme : fallback;
};

/** Values of every field named `name`, joined as one list (RFC 9110 §5.3). */
function fieldList(rawHeaders: readonly string[], name: string): string | null {
  let joined: string | null = null;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const field = rawHeaders[i]!;
    if (field.length === name.length && field.toLowerCase() === name) {
      joined = joined === null ? rawHeaders[i + 1]! : `${joined},${rawHeaders[i + 1]!}`;
    }
  }
  return joined;
}

/**
 * X-Forwarded-For: `client, proxy1, proxy2`, each proxy appending the address it received from.
 * X-Forwarded-Proto is aligned from the right: its last entry was written by the nearest proxy.
 * When it has fewer entries than hops (proxies that overwrite rather than append), the leftmost
 * entry stands for the hops beyond.
 */
function xForwardedHops(rawHeaders: readonly string[]): Hop[] | null {
  const forwardedFor = fieldList(rawHeaders, 'x-forwarded-for');
  if (forwardedFor === null) return null;
  const protos = (fieldList(rawHeaders, 'x-forwarded-proto') ?? '').split(',').map((p) => p.trim());
  const entries = forwardedFor.split(',');
  return entries.map((entry, i) => {
    const { address, port } = splitNode(entry.trim());
    const p = protos.length - (entries.length - i);
    return { address, port, scheme: protos.length === 1 && protos[0] === '' ? undefined : protos[Math.max(p, 0)] };
  });
}

/**
 * Forwarded (RFC 7239 §4): `for=192.0.2.60;proto=http, for="[2001:db8::17]:4711"`, one element
 * per proxy, each carrying the address and scheme of the connection that proxy received. A
 * header that does not parse is ignored whole: which part of it to believe cannot be known.
 */
function forwardedHops(rawHeaders: readonly string[]): Hop[] | null {
  const value = fieldList(rawHeaders, 'forwarded');
  if (value === null) return null;
  const elements = parseForwarded(value);
  if (elements === null) return null;
  return elements.map((params) => {
    const { address, port } = splitNode(params.get('for') ?? '');
    return { address, port, scheme: params.get('proto') };
  });
}

// RFC 7239 §4: forwarded-element = [ forwarded-pair ] *( ";" [ forwarded-pair ] ),
// forwarded-pair = token "=" value, value = token / quoted-string; elements separated by ",".

function parseForwarded(value: string): Array<Map<string, string>> | null {
  const elements: Array<Map<string, string>> = [];
  let params = new Map<string, string>();
  let i = 0;
  const n = value.length;
  const skipSpace = (): void => {
    while (i < n && (value[i] === ' ' || value[i] === '\t')) i++;
  };
  while (i <= n) {
    skipSpace();
    if (i === n) break;
    if (value[i] === ',' || value[i] === ';') {
      if (value[i] === ',') {
        elements.push(params);
        params = new Map();
      }
      i++;
      continue;
    }
    const eq = value.indexOf('=', i);
    if (eq === -1) return null;
    const name = value.slice(i, eq).trim().toLowerCase();
    if (!isToken(name) || params.has(name)) return null; // RFC 7239 §4: a parameter once per element
    i = eq + 1;
    let paramValue = '';
    if (value[i] === '"') {
      i++;
      while (i < n && value[i] !== '"') {
        if (value[i] === '\\') i++;
        paramValue += value[i] ?? '';
        i++;
      }
      if (i >= n) return null;
      i++;
    } else {
      const start = i;
      while (i < n && value[i] !== ';' && value[i] !== ',' && value[i] !== ' ' && value[i] !== '\t') i++;
      paramValue = value.slice(start, i);
      if (!isToken(paramValue)) return null;
    }
    params.set(name, paramValue);
    skipSpace();
    if (i < n && value[i] !== ';' && value[i] !== ',') return null;
  }
  elements.push(params);
  return elements;
}

/** `1.2.3.4`, `1.2.3.4:80`, `[::1]`, `[::1]:80` or a bare IPv6 address, to address and port. */
function splitNode(node: string): { address: string; port: string } {
  let address = node;
  let port = '';
  if (node.startsWith('[')) {
    const close = node.indexOf(']');
    address = close === -1 ? node : node.slice(1, close);
    if (close !== -1 && node[close + 1] === ':') port = node.slice(close + 2);
  } else if (node.indexOf(':') !== -1 && node.indexOf(':') === node.lastIndexOf(':')) {
    address = node.slice(0, node.indexOf(':'));
    port = node.slice(node.indexOf(':') + 1);
  }
  // Only a port of digits is kept; RFC 7239 §6.3 also allows obfuscated ports ("_abc").
  return { address, port: /^\d{1,5}$/.test(port) ? port : '' };
}
