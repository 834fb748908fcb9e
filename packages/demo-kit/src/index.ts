// The demo kit's public surface: what the demo apps share so they can be compared byte for byte.
export { pseudoRandomBytes, MAX_BINARY_SIZE } from './pseudo-random-bytes.ts';
