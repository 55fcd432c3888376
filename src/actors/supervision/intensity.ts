/**
 * Restart intensity (STYLE.md 3.5): a sliding window of restart times. OTP counts in whole
 * seconds; narflow counts in milliseconds with the same rule, boundary included.
 */
export class RestartIntensity {
  /** Restart times, oldest first. */
  private restarts: number[] = [];
  private readonly periodMs: number;

  constructor(
    private readonly intensity: number,
    periodSeconds: number,
  ) {
    this.periodMs = periodSeconds * 1000;
  }

  /**
   * Records a restart decided at `now` (ms). Restarts older than `now − period` are dropped, one
   * exactly on the boundary is kept. Returns false when the count now exceeds the intensity: the
   * supervisor must give up.
   */
  record(now: number): boolean {
    const threshold = now - this.periodMs;
    this.restarts = this.restarts.filter((t) => t >= threshold);
    this.restarts.push(now);
    return this.restarts.length <= this.intensity;
  }

  /** Restarts currently inside the window (as of the last `record`). */
  get count(): number {
    return this.restarts.length;
  }
}
