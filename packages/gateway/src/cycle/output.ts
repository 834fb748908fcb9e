// Where the connection's bytes go. The reference writes each piece to the socket as it is made;
// _batched-output.ts is the `batched-writes` trick.
import type { Socket } from 'node:net';

export interface Output {
  /** Writes `data` (a string is latin-1); false when the socket wants the writer to wait. */
  write(data: Uint8Array | string): boolean;
  /** A packet is being parsed: what is written until packetEnd() may be gathered. */
  packetStart(): void;
  /** Writes anything gathered and stops gathering. */
  packetEnd(): void;
  /** Writes anything gathered (before a close). */
  flush(): void;
}

export class DirectOutput implements Output {
  constructor(private readonly socket: Socket) {}

  write(data: Uint8Array | string): boolean {
    return typeof data === 'string' ? this.socket.write(data, 'latin1') : this.socket.write(data);
  }

  packetStart(): void {}
  packetEnd(): void {}
  flush(): void {}
}
