// The package's public surface: the interface types and the server. Nothing private.
export type * from './types.ts';
export { createServer, serve, defaults, GatewayServer } from './server.ts';
export type { ServerOptions, ServeHandle } from './server.ts';
export { AppError } from './response-head.ts';
export { serveStatic } from './static/serve-static.ts';
export type { StaticOptions } from './static/serve-static.ts';
