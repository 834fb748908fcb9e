// The Express demo app through the gateway interface, in process and checked by the validator:
// the routes every demo app shares, from the one suite all the apps run.
import { describeSharedRoutes } from '@gateway-interop/demo-kit/route-suite';
import { app } from './app.ts';

describeSharedRoutes({ app, framework: 'express', greeting: 'Hello world from Express!' });
