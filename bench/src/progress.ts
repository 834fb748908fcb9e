// The live display while the bench runs: on a terminal, one status line redrawn in place (step,
// progress through the current run, elapsed and estimated time left) with finished rounds
// printed above it; when piped, one plain line per step so logs stay readable.
import { formatDuration } from './format.ts';

export class Progress {
  private done = 0;
  private plannedDone = 0;
  private current = '';
  private currentS = 0;
  private currentStart = 0;
  private readonly start = Date.now();
  private timer: NodeJS.Timeout | undefined;
  private readonly tty: boolean;

  /** `plannedS` is the sum of the planned step durations, used for the time-left estimate. */
  constructor(
    private readonly totalSteps: number,
    private readonly plannedS: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {
    this.tty = stream.isTTY === true;
    if (this.tty) {
      this.timer = setInterval(() => this.draw(), 250);
      this.timer.unref();
    }
  }

  /** Starts a step expected to take `seconds`; the previous one counts as finished. */
  step(label: string, seconds: number): void {
    this.finishCurrent();
    this.current = label;
    this.currentS = seconds;
    this.currentStart = Date.now();
    if (!this.tty) this.stream.write(`[${this.done + 1}/${this.totalSteps}] ${label}\n`);
    this.draw();
  }

  /** Prints a line that stays (a finished round, a warning) above the status line. */
  log(line: string): void {
    if (this.tty) this.stream.write(`\r\x1b[2K${line}\n`);
    else this.stream.write(`${line}\n`);
    this.draw();
  }

  stop(): void {
    this.finishCurrent();
    if (this.timer) clearInterval(this.timer);
    if (this.tty) this.stream.write('\r\x1b[2K');
  }

  private finishCurrent(): void {
    if (!this.current) return;
    this.done++;
    this.plannedDone += this.currentS;
    this.current = '';
  }

  private draw(): void {
    if (!this.tty || !this.current) return;
    const elapsed = (Date.now() - this.start) / 1000;
    const inStep = Math.min((Date.now() - this.currentStart) / 1000, this.currentS);
    const fraction = this.currentS > 0 ? inStep / this.currentS : 1;
    const width = 20;
    const filled = Math.round(fraction * width);
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    const left = Math.max(0, this.plannedS - this.plannedDone - inStep);
    // Times first: a narrow terminal cuts the end of the line, and the label matters least.
    const line = `[${this.done + 1}/${this.totalSteps}] ${formatDuration(elapsed)} elapsed, ~${formatDuration(left)} left ${bar} ${this.current}`;
    const columns = this.stream.columns ?? 120;
    this.stream.write(`\r\x1b[2K${line.slice(0, columns - 1)}`);
  }
}
