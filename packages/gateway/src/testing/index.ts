// `@gateway-interop/gateway/testing`: helpers for testing apps and servers (testing.ts).
export * from './testing.ts';
