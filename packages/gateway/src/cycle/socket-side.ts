// The socket under a connection: writing with backpressure, pausing and resuming reads, the
// packet being parsed, and closing. Connection (connection.ts) extends it with the request cycle;
// what is here knows nothing of HTTP, so the cycle reads as its steps and nothing else.
import type { Socket } from 'node:net';
import type { Clock } from './clock.ts';
import type { Output } from './output.ts';
import type { ConnectionSettings } from './settings.ts';

export abstract class SocketSide {
  protected readonly output: Output;
  protected readonly clock: Clock;
  protected readonly remoteAddress: string;
  protected readonly remotePort: string;
  /** A packet is being parsed (answers made now may be gathered: _batched-output.ts). */
  protected inPacket = false;
  /** The client shut its side. */
  protected peerEnded = false;
  protected closed = false;
  protected readPaused = false;
  private drain: Promise<void> | null = null;
  private drained: (() => void) | null = null;

  constructor(
    protected readonly socket: Socket,
    protected readonly settings: ConnectionSettings,
  ) {
    this.output = settings.makeOutput(socket);
    this.clock = settings.makeClock();
    this.remoteAddress = socket.remoteAddress ?? '';
    this.remotePort = String(socket.remotePort ?? '');
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => {
      this.peerEnded = true;
      this.onEnd();
    });
    socket.on('close', () => {
      this.closed = true;
      this.onClose();
      this.onDrain();
    });
    socket.on('drain', () => this.onDrain());
    // Errors (ECONNRESET, EPIPE) are followed by 'close', which does the cleanup.
    socket.on('error', () => {});
  }

  protected abstract onData(chunk: Buffer): void;
  protected abstract onEnd(): void;
  protected abstract onClose(): void;
  /** The socket has room again: a good time to go on with held requests. */
  protected abstract onWritable(): void;

  get serverLine(): string {
    return this.settings.serverLine;
  }

  /** The time for deadlines and the Date field (clock.ts). */
  now(): number {
    return this.clock.now();
  }

  /** Writes bytes; returns a promise when the socket wants the writer to wait (backpressure). */
  send(data: Uint8Array | string): Promise<void> | null {
    if (this.output.write(data) || this.closed) return null;
    this.drain ??= new Promise((resolve) => (this.drained = resolve));
    return this.drain;
  }

  cork(): void {
    this.socket.cork();
  }

  uncork(): void {
    this.socket.uncork();
  }

  destroy(): void {
    this.output.flush();
    this.socket.destroy();
  }

  reportError(error: unknown): void {
    this.settings.reportError(error);
  }

  protected packetStart(): void {
    this.inPacket = true;
    this.clock.packetStart();
    this.output.packetStart();
  }

  protected packetEnd(): void {
    this.inPacket = false;
    this.output.packetEnd();
    this.clock.packetEnd();
  }

  /** Closes our side once what is written has gone; reading goes on (lingering close). */
  protected endSocket(): void {
    if (this.readPaused) this.resumeReading();
    this.output.flush();
    this.socket.end();
  }

  private onDrain(): void {
    const resolve = this.drained;
    this.drain = null;
    this.drained = null;
    resolve?.();
    this.onWritable();
  }

  protected pauseReading(): void {
    if (this.readPaused) return;
    this.readPaused = true;
    this.socket.pause();
  }

  protected resumeReading(): void {
    if (!this.readPaused) return;
    this.readPaused = false;
    this.socket.resume();
  }
}
