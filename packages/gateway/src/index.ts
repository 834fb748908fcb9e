// The package's public surface: the interface types, the server, and the pieces that compose
// apps (mount points, static files). Nothing private.
export type * from './types.ts';
export { createServer, serve, defaults, GatewayServer } from './server/server.ts';
export type { ServerOptions, ServeHandle } from './server/server.ts';
export { AppError } from './cycle/response-head.ts';
export { mount } from './compose/mount.ts';
export type { MountTable, MountOptions } from './compose/mount.ts';
export { serveStatic } from './static/serve-static.ts';
export type { StaticOptions } from './static/serve-static.ts';
export { ENGINE_VARIABLE, EngineChoiceError, TRICKS, engineName, resolveEngine } from './server/engine.ts';
export type { Engine, EngineChoice, Trick, Tricks } from './server/engine.ts';
