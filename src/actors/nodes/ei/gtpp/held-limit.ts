/**
 * The bound on CDRs of possibly duplicated packets held (`maxHeldCdrs`): held CDRs are kept in
 * memory until their GSN releases or cancels them. Past the bound a new possibly duplicated packet
 * is refused ("No resources available"), and the alarm is raised; it is cleared once the handler
 * holds 90% of the bound or less. Requests logged and not yet handled are not counted (the handler
 * has not held them yet): the bound may be passed by what is in flight.
 */
export class HeldLimit {
  #raised = false;

  constructor(
    private readonly max: number,
    /** CDRs the handler holds, as of the last entry it handled. */
    private readonly held: () => number,
    private readonly alarm: (raised: boolean, detail?: string) => void,
  ) {}

  /** Whether holding `adding` more CDRs would pass the bound. */
  full(adding: number): boolean {
    const held = this.held();
    const full = held + adding > this.max;
    if (full && !this.#raised) {
      this.#raised = true;
      this.alarm(
        true,
        `${held} CDRs of possibly duplicated packets held (maxHeldCdrs ${this.max}): new ones are answered "No resources available" until GSNs release or cancel them`,
      );
    } else if (!full && this.#raised && held <= this.max * 0.9) {
      this.#raised = false;
      this.alarm(false);
    }
    return full;
  }

  /** Clears the alarm once enough was released, without a new packet to judge. */
  recheck(): void {
    if (this.#raised) this.full(0);
  }
}
