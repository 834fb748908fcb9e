// `@gateway-interop/gateway/testing`: helpers for testing apps and servers, in process (testing.ts),
// over HTTP (http-client.ts) and byte for byte on a raw socket (raw-client.ts).
export * from './testing.ts';
export * from './http-client.ts';
export * from './raw-client.ts';
