// The Fastify demo app through the gateway interface, in process and checked by the validator:
// the routes every demo app shares, from the one suite all the apps run.
import { describeSharedRoutes } from '@gateway-interop/demo-kit/route-suite';
import { afterAll } from 'vitest';
import { app, fastifyApp } from './app.ts';

afterAll(() => fastifyApp.close());

describeSharedRoutes({ app, framework: 'fastify', greeting: 'Hello world from Fastify!' });
