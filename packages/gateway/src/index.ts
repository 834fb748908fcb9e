// The package's public surface: the interface types, the server, and nothing private.
export type * from './types.ts';
