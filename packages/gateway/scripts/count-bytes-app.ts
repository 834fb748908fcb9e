// A gateway app that reads the request body and answers with its length: nothing is kept, so
// the server's memory during an upload is the server's own (used by upload-rss.ts).
import type { App } from '../src/types.ts';

export const app: App = async (environ, startResponse) => {
  let bytes = 0;
  for await (const chunk of environ['gateway.input']) bytes += chunk.length;
  startResponse('200 OK', [['Content-Type', 'text/plain']]);
  return [`${bytes}\n`];
};
