// The time the connection uses for its deadlines and the Date field. The reference clock reads
// the system clock on every use; _packet-clock.ts is the `packet-clock` trick.

export interface Clock {
  /** A packet arrived and is being parsed. */
  packetStart(): void;
  /** Its parsing is over. */
  packetEnd(): void;
  /** The current time in ms. */
  now(): number;
}

export const systemClock: Clock = {
  packetStart() {},
  packetEnd() {},
  now: () => Date.now(),
};
