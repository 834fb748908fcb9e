// The adapters' public surface: one function per framework, the two generic bridges, and detection.
export { fromNodeHandler } from './node-handler.ts';
export type { NodeHandler } from './node-handler.ts';
export { fromExpress } from './express.ts';
export type { ExpressLike } from './express.ts';
export { fromFastify } from './fastify.ts';
export type { FastifyLike } from './fastify.ts';
export { fromHono } from './hono.ts';
export type { FromHonoOptions, GatewayBindings, HonoLike } from './hono.ts';
export { fromFetchHandler } from './fetch-handler.ts';
export type { FetchHandler, FromFetchHandlerOptions } from './fetch-handler.ts';
export { toGatewayApp } from './detect.ts';
export { toNodeHandler } from './to-node.ts';
export { toFetchHandler } from './to-fetch.ts';
export type { Peer, ToFetchHandlerOptions } from './to-fetch.ts';
