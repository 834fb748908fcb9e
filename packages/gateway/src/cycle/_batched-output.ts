// The `batched-writes` trick (server/engine.ts): small answers made while one packet is parsed (a
// client pipelining requests) leave in one write, not one each. A single buffer costs the socket
// far less than a writev of many: one syscall per packet instead of one per answer, which with
// 10-deep pipelining is most of the gateway's lead over node:http (bench/README.md).
import type { Socket } from 'node:net';
import type { Output } from './output.ts';

/** Response bytes gathered into one write while a packet is parsed; more go out at once. */
const BATCH_BYTES = 64 * 1024;

export class BatchedOutput implements Output {
  private gathering = false;
  private out: Array<Uint8Array | string> = [];
  private outBytes = 0;

  constructor(private readonly socket: Socket) {}

  write(data: Uint8Array | string): boolean {
    if (this.gathering && this.outBytes + data.length <= BATCH_BYTES) {
      this.out.push(data);
      this.outBytes += data.length;
      return true;
    }
    this.flush();
    return typeof data === 'string' ? this.socket.write(data, 'latin1') : this.socket.write(data);
  }

  packetStart(): void {
    this.gathering = true;
  }

  packetEnd(): void {
    this.gathering = false;
    this.flush();
  }

  /** Writes what was gathered. Strings are latin-1, and are joined as a string when all are. */
  flush(): void {
    const out = this.out;
    if (out.length === 0) return;
    this.out = [];
    this.outBytes = 0;
    if (out.length === 1) {
      const only = out[0]!;
      if (typeof only === 'string') this.socket.write(only, 'latin1');
      else this.socket.write(only);
      return;
    }
    let text = '';
    for (let i = 0; i < out.length; i++) {
      const part = out[i]!;
      if (typeof part !== 'string') {
        this.socket.write(Buffer.concat(out.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : p))));
        return;
      }
      text += part;
    }
    this.socket.write(text, 'latin1');
  }
}
