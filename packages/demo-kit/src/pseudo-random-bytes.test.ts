// The generator is a cross-app contract: these fixed values pin it, so an app that reimplements it
// (or a refactor here) cannot drift unnoticed.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { pseudoRandomBytes } from './pseudo-random-bytes.ts';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

describe('pseudoRandomBytes', () => {
  it('follows xorshift32 from the seed, little-endian words', () => {
    // xorshift32(1) = 0x00042021, then 0x04080601.
    expect(hex(pseudoRandomBytes(8, 1))).toBe('2120040001060804');
  });

  it('cuts the last word to the size asked for', () => {
    expect(hex(pseudoRandomBytes(6, 1))).toBe('212004000106');
    expect(pseudoRandomBytes(0, 1)).toHaveLength(0);
  });

  it('is deterministic per seed and differs between seeds', () => {
    expect(pseudoRandomBytes(1000, 42)).toEqual(pseudoRandomBytes(1000, 42));
    expect(pseudoRandomBytes(1000, 42)).not.toEqual(pseudoRandomBytes(1000, 43));
  });

  it('treats seed 0 as the fixed non-zero start', () => {
    expect(pseudoRandomBytes(16, 0)).toEqual(pseudoRandomBytes(16, 0x9e3779b9));
    expect(pseudoRandomBytes(16, 0).some((b) => b !== 0)).toBe(true);
  });

  it('has a stable digest for a larger body', () => {
    const digest = createHash('sha256').update(pseudoRandomBytes(1 << 20, 7)).digest('hex');
    expect(digest).toBe('19c97bfd1f438b887723b39519aa94bdc7c6bd53144e0c48c87332b61d29de6d');
  });

  it('refuses sizes that are not byte counts', () => {
    expect(() => pseudoRandomBytes(-1, 1)).toThrow(RangeError);
    expect(() => pseudoRandomBytes(1.5, 1)).toThrow(RangeError);
  });
});
