// Deterministic "random" bytes for the apps' `GET /binary?size=N&seed=S` route. Every app (Express,
// Fastify, Hono, bare) must send the very same bytes for the same N and S, so that a comparison or a
// hash check can tell a faithful adapter from one that re-encodes, truncates or pads the body.

/** The largest `size` the demo apps accept (64 MiB), so a typo cannot exhaust memory. */
export const MAX_BINARY_SIZE = 64 * 1024 * 1024;

/**
 * `size` bytes from Marsaglia's xorshift32 (shifts 13, 17, 5) started at `seed`. Each step gives
 * one 32-bit word, written little-endian: four bytes per step, the last word cut to fit. Seed 0
 * would stay 0 forever, so it is replaced by 0x9e3779b9. Any implementation following these two
 * sentences produces the same bytes.
 */
export function pseudoRandomBytes(size: number, seed: number): Uint8Array {
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new RangeError(`size must be a whole number of bytes, 0 or more; got ${size}`);
  }
  const bytes = new Uint8Array(size);
  let x = seed >>> 0 || 0x9e3779b9;
  for (let i = 0; i < size; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    bytes[i] = x & 0xff;
    if (i + 1 < size) bytes[i + 1] = (x >>> 8) & 0xff;
    if (i + 2 < size) bytes[i + 2] = (x >>> 16) & 0xff;
    if (i + 3 < size) bytes[i + 3] = x >>> 24;
  }
  return bytes;
}
