/**
 * The host's drains: asking actors to handle their whole input log, commit and checkpoint (on an
 * orderly stop, before a repartition, before a removed actor stops), and waiting for their answers.
 * A drain under way follows the actor across restarts: an actor whose thread dies while draining is
 * told to drain again once its supervisor has restarted it, and a restarted EI is told to stop
 * ingesting, so the host never waits out the deadline for an answer the dead thread cannot give.
 */
import type { DrainOutcome } from '../../actors/runtime/protocol.js';
import type { ActorWorker } from '../../actors/runtime/worker-handle.js';
import { actorsOf, topologicalOrder, type ActorPlan, type HostPlan } from './plan.js';

export class Drains {
  readonly #waiters = new Map<string, (o: DrainOutcome) => void>();
  /** Set once a drain told the EIs to stop ingesting: an EI restarted after that is told again. */
  #ingestStopped = false;

  constructor(private readonly running: ReadonlyMap<string, ActorWorker>) {}

  /**
   * Stops ingest, then drains node by node in flow order (each node once every node before it is
   * drained); resolves with each running actor's outcome (undefined: no answer by the deadline).
   */
  async all(
    plan: HostPlan,
    actors: readonly ActorPlan[],
    timeoutMs: number,
  ): Promise<Map<string, DrainOutcome | undefined>> {
    const deadline = Date.now() + timeoutMs;
    const outcomes = new Map<string, DrainOutcome | undefined>();
    this.#ingestStopped = true;
    for (const a of actors)
      if (a.node.kind === 'EI') this.running.get(a.actorId)?.send({ type: 'stop-ingest' });
    for (const node of topologicalOrder(plan.nodes)) {
      await Promise.all(
        actorsOf(node).map(async (id) => {
          if (!this.running.has(id)) return;
          outcomes.set(id, await this.one(id, Math.max(0, deadline - Date.now())));
        }),
      );
    }
    return outcomes;
  }

  /** Drains one running actor; undefined when it is not running or gives no answer in `timeoutMs`. */
  async one(id: string, timeoutMs: number): Promise<DrainOutcome | undefined> {
    const w = this.running.get(id);
    if (w === undefined) return undefined;
    const done = new Promise<DrainOutcome>((r) => this.#waiters.set(id, r));
    w.send({ type: 'drain' });
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), timeoutMs).unref()));
    try {
      return await Promise.race([done, late]);
    } finally {
      clearTimeout(timer);
      this.#waiters.delete(id);
    }
  }

  /** The actor answered its drain. */
  drained(id: string, outcome: DrainOutcome): void {
    this.#waiters.get(id)?.(outcome);
    this.#waiters.delete(id);
  }

  /** A new incarnation of an actor is running: a drain under way reaches it too. */
  started(a: ActorPlan, worker: ActorWorker): void {
    if (this.#ingestStopped && a.node.kind === 'EI') worker.send({ type: 'stop-ingest' });
    if (this.#waiters.has(a.actorId)) worker.send({ type: 'drain' });
  }

  /** The pipeline runs again (after a repartition): ingest is no longer stopped. */
  resumed(): void {
    this.#ingestStopped = false;
  }
}
