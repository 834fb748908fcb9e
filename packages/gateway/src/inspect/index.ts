// The inspector's public surface (`@gateway-interop/gateway/inspect`): the recorder that taps a
// server (ServerOptions.inspect), the inspector page as a gateway app, and serving it.
export { Recorder } from './recorder.ts';
export type {
  Exchange,
  RecorderOptions,
  HeaderOrigin,
  ResponseField,
  Timings,
} from './recorder.ts';
export type { Tap, ExchangeTap } from './tap.ts';
export { inspectorApp, CSP } from './inspector-app.ts';
export type { InspectorOptions } from './inspector-app.ts';
export { serveInspector, INSPECT_DEFAULTS } from './start.ts';
export type { Inspector, InspectAt } from './start.ts';
