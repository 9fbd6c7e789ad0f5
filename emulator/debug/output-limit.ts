// Owns how much of a guest's output reaches the debugger: each write goes out in events of
// at most OUTPUT_CHUNK bytes, and at most OUTPUT_RATE bytes a second; past that the output
// is dropped (the guest is not held back) with one visible "output truncated" note, and
// the next second's first event says how much was lost (or, when the guest ends first, an
// event at its end: flush). Output is dropped the same way while
// more than OUTPUT_BACKLOG bytes already sent wait for the client to take them (a client that
// reads slowly or not at all), so the adapter's own buffer stays bounded however long the
// guest writes and however slowly its client reads.

/** Bytes per output event. */
export const OUTPUT_CHUNK = 64 * 1024;
/** Bytes a second sent to the client. */
export const OUTPUT_RATE = 4 * 1024 * 1024;
/** Bytes sent but not yet taken by the client past which output is dropped. */
export const OUTPUT_BACKLOG = OUTPUT_RATE;

export class OutputLimiter {
  private windowStart = -Infinity;
  private sentInWindow = 0;
  private dropped = 0;
  private truncatedNoted = false;

  constructor(
    private readonly send: (category: 'stdout' | 'stderr' | 'console', text: string) => void,
    private readonly now: () => number = () => performance.now(),
    /** Bytes sent but not yet taken by the client (the adapter's output stream's queue). */
    private readonly backlog: () => number = () => 0,
  ) {}

  write(category: 'stdout' | 'stderr', text: string): void {
    const t = this.now();
    if (t - this.windowStart >= 1000) {
      this.windowStart = t;
      this.sentInWindow = 0;
      this.flush();
      this.truncatedNoted = false;
    }
    let rest = text;
    while (rest.length > 0) {
      if (this.sentInWindow >= OUTPUT_RATE || this.backlog() > OUTPUT_BACKLOG) {
        this.dropped += rest.length;
        if (!this.truncatedNoted) {
          this.truncatedNoted = true;
          this.send('console', '\nvdso-lab: output truncated: the guest writes faster than the debugger shows\n');
        }
        return;
      }
      const n = Math.min(rest.length, OUTPUT_CHUNK, OUTPUT_RATE - this.sentInWindow);
      this.send(category, rest.slice(0, n));
      this.sentInWindow += n;
      rest = rest.slice(n);
    }
  }

  /** Says how much was dropped since the last such note, if anything was: at each new second, and when the guest has ended. */
  flush(): void {
    if (this.dropped === 0) return;
    this.send('console', `vdso-lab: ${this.dropped} characters of guest output were dropped (more than ${OUTPUT_RATE / 1024 / 1024} MiB a second, or more than the debugger had yet taken)\n`);
    this.dropped = 0;
  }
}
