// `@gateway-interop/gateway/validate`: the SPEC's rules as checks wrapped around an app (validate.ts).
export * from './validate.ts';
