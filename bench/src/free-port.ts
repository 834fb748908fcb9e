// A free TCP port on 127.0.0.1, found by binding port 0 and letting go. Servers are given an
// explicit port because `--workers` needs one and one way of starting all of them keeps it simple.
import { createServer } from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
