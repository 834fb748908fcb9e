// The `packet-clock` trick (server/engine.ts): while a packet is parsed, the time is the packet's
// arrival, read once. A keep-alive request otherwise reads the clock four times (head deadline,
// Date field, keep-alive deadline twice), and each Date.now() costs about 40 ns. Deadlines are
// checked once a second, and the Date field has a resolution of a second, so a packet's parse
// (microseconds) cannot move either.
import type { Clock } from './clock.ts';

export class PacketClock implements Clock {
  private time = 0;

  packetStart(): void {
    this.time = Date.now();
  }

  packetEnd(): void {
    this.time = 0;
  }

  now(): number {
    return this.time !== 0 ? this.time : Date.now();
  }
}
