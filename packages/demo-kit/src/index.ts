// The demo kit's public surface: what the demo apps share so they answer byte for byte the same.
export { pseudoRandomBytes, MAX_BINARY_SIZE } from './pseudo-random-bytes.ts';
export { queryNumber } from './query-number.ts';
export { parseListenArgs } from './listen-args.ts';
export type { ListenArgs } from './listen-args.ts';
