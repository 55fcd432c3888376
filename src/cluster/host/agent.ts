/**
 * The host agent: one per process. It runs the supervisor tree (root → pipeline → one child per
 * actor), wires every producer→consumer link with a fresh MessageChannel whenever either side
 * (re)starts, tracks crash positions so poison entries are recognised, collects actor statistics
 * for metrics and status, and drains the pipeline in order on SIGTERM or when idle.
 */
import { sameConfig } from '../../actors/runtime/same-config.js';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { ActorStatsMessage, ActorWorkerData, WorkerToHost } from '../../actors/runtime/protocol.js';
import { spawnActor, type ActorWorker } from '../../actors/runtime/worker-handle.js';
import { Supervisor, supervisorChildSpec } from '../../actors/supervision/supervisor.js';
import type { ChildSpec, StartResult } from '../../actors/supervision/types.js';
import { CrashBook } from './crash-book.js';
import { Drains } from './drains.js';
import { LinkWiring } from './wiring.js';
import type { LayoutChange, Repartitioner } from './repartition.js';
import { newStatus, type ActorStatus, type HostStatus } from './host-status.js';
import {
  actorDirOf,
  actorsOf,
  linksOf,
  producersOf,
  planActors,
  topologicalOrder,
  type ActorPlan,
  type HostPlan,
} from './plan.js';

/** How long a repartition waits for the old layout to drain before it gives up (and resumes it). */
export const REPARTITION_DRAIN_MS = 600_000;

export interface AgentOptions {
  /** Moves key groups with their state when a plan changes a keyed node's layout. */
  readonly repartitioner?: Repartitioner | undefined;
}

export interface AgentHooks {
  onStats?(node: string, actor: string, stats: ActorStatsMessage): void;
  onRestart?(node: string, actor: string): void;
  onState?(node: string, actor: string, state: ActorStatus['state']): void;
}

export class HostAgent {
  #plan: HostPlan;
  #actors: ActorPlan[];
  readonly #wiring: LinkWiring;
  #pipeline: Supervisor | undefined;
  #applying: Promise<void> = Promise.resolve();
  readonly #running = new Map<string, ActorWorker>();
  readonly #status = new Map<string, ActorStatus>();
  readonly #crashes = new CrashBook();
  readonly #drains = new Drains(this.#running);
  /** Actors started again after a pause (a repartition): not counted as restarts. */
  readonly #resuming = new Set<string>();
  readonly #startedAt = new Date();
  /** When the supervisor tree finished starting: quiet time is counted from here at the earliest. */
  #runningSince = Number.POSITIVE_INFINITY;
  #root: Supervisor | undefined;
  #repartitioning: HostStatus['repartition'];

  constructor(
    plan: HostPlan,
    private readonly logger: Logger,
    private readonly hooks: AgentHooks = {},
    private readonly options: AgentOptions = {},
  ) {
    this.#plan = plan;
    this.#actors = planActors(plan);
    this.#wiring = new LinkWiring(this.#running, linksOf(this.#actors));
    for (const a of this.#actors) {
      this.#status.set(a.actorId, newStatus(a));
    }
  }

  /**
   * Starts the tree: root → {services before…, pipeline → one child per actor, services after…}.
   * Resolves with the root; its `ended` tells an orderly stop from a give-up
   * (reached_max_restart_intensity).
   */
  async start(before: readonly ChildSpec[] = [], after: readonly ChildSpec[] = []): Promise<Supervisor> {
    const log = this.logger.child({ component: 'supervisor' });
    // A restarted pipeline starts the actors of the plan in force at that moment.
    const pipeline = (): Supervisor => {
      const specs = this.#actors.map((a) => this.#childSpec(a.actorId));
      this.#pipeline = new Supervisor('pipeline', this.#plan.pipeline, specs, { logger: log });
      return this.#pipeline;
    };
    const root = new Supervisor(
      'root',
      { strategy: 'one_for_one', ...this.#plan.root },
      [...before, supervisorChildSpec('pipeline', pipeline), ...after],
      { logger: log },
    );
    this.#root = root;
    const started = await root.start();
    if (started.kind !== 'started')
      throw new Error(`the supervisor tree did not start: ${JSON.stringify(started.reason)}`);
    this.#runningSince = Date.now();
    return root;
  }

  status(): HostStatus {
    const topo = topologicalOrder(this.#plan.nodes);
    return {
      host: this.#plan.hostId,
      pid: process.pid,
      startedAt: this.#startedAt.toISOString(),
      repartition: this.#repartitioning,
      nodes: topo.map((n) => ({
        node: n.id,
        type: n.type,
        actors: actorsOf(n).map((id) => this.#status.get(id) as ActorStatus),
      })),
    };
  }

  /**
   * Milliseconds since the last input reached any actor, when every actor is idle (nothing to
   * process, nothing unacknowledged, ingest idle); undefined while anything is still going on.
   */
  quietForMs(now = Date.now()): number | undefined {
    if (!Number.isFinite(this.#runningSince)) return undefined;
    let last = this.#runningSince;
    for (const s of this.#status.values()) {
      if (s.state !== 'running' || s.stats?.idle !== true) return undefined;
      last = Math.max(last, s.stats.lastActivityMs);
    }
    return now - last;
  }

  /** Orderly end: stop ingest, drain node by node in flow order, then stop the tree. */
  async drainAndStop(timeoutMs: number): Promise<void> {
    const outcomes = await this.#drains.all(this.#plan, this.#actors, timeoutMs);
    for (const [actor, o] of outcomes) {
      if (o === undefined)
        this.logger.warn({ actor, timeoutMs }, 'actor did not finish its drain in time; stopped anyway');
      else if (!o.complete)
        this.logger.warn(
          { actor, cut: o.cut, committedPosition: o.committedPosition, lastLsn: o.lastLsn },
          'actor drain incomplete: the rest of its input stays in its log for the next start',
        );
    }
    await this.#root?.stop();
  }

  /**
   * Applies a new plan while records flow: new actors start; actors whose outputs changed get a
   * control entry in their input log (so the change falls at one fixed point of their input, on
   * every replay); actors whose settings changed restart with them; removed actors are stopped
   * once no producer sends to them any more and their input is drained. A plan that changes where
   * a keyed node's key groups live (its partitions, key groups or ring) pauses the whole pipeline
   * and moves the key groups with their state instead (#repartition). Changes are serialised.
   */
  applyPlan(next: HostPlan): Promise<void> {
    const run = this.#applying.then(() => this.#apply(next));
    this.#applying = run.catch(() => undefined);
    return run;
  }

  async #apply(next: HostPlan): Promise<void> {
    const pipeline = this.#pipeline;
    if (pipeline === undefined) throw new Error('the pipeline is not running');
    const repartitioner = this.options.repartitioner;
    const changes = repartitioner?.changesBetween(this.#plan, next) ?? [];
    if (repartitioner !== undefined && changes.length > 0) {
      await this.#repartition(repartitioner, next, changes);
      return;
    }
    const before = new Map(this.#actors.map((a) => [a.actorId, a]));
    const after = planActors(next);
    const afterIds = new Set(after.map((a) => a.actorId));
    const removed = [...before.keys()].filter((id) => !afterIds.has(id));
    const linksBefore = linksOf(this.#actors);
    const linksAfter = linksOf(after);
    this.#plan = next;
    this.#actors = after;
    this.#wiring.setLinks(linksAfter);
    // An actor's time waits for its producers: tell running actors whose producers changed.
    for (const a of after) {
      const producers = producersOf(linksAfter, a.actorId);
      if (!sameConfig(producersOf(linksBefore, a.actorId), producers))
        this.#running.get(a.actorId)?.send({ type: 'producers', producers });
    }
    for (const a of after) {
      if (!this.#status.has(a.actorId)) {
        this.#status.set(a.actorId, newStatus(a));
      }
    }
    for (const a of after) {
      const old = before.get(a.actorId);
      if (old === undefined) {
        await pipeline.startChild(this.#childSpec(a.actorId));
        continue;
      }
      const { destinations: _d1, ...oldNode } = old.node;
      const { destinations: _d2, ...newNode } = a.node;
      if (!sameConfig(oldNode, newNode)) {
        this.logger.info({ actor: a.actorId }, 'node settings changed: restarting the actor with them');
        await pipeline.terminateChild(a.actorId);
        await pipeline.restartChild(a.actorId);
      } else if (!sameConfig(old.outputs, a.outputs)) {
        this.#running.get(a.actorId)?.send({ type: 'reconfigure', outputs: a.outputs });
        this.#wiring.wire(a.actorId);
      }
    }
    for (const id of removed) await this.#retire(pipeline, id);
    await repartitioner?.recordLayouts(next);
  }

  /**
   * A plan that moves key groups of keyed nodes: the pipeline pauses (ingest stops, every actor
   * drains in flow order and stops), the key groups move with their state on disk, and the
   * pipeline starts again under the new plan. Network elements see a short pause and retransmit;
   * nothing accepted is lost, as input waits in the durable logs. When the old layout could not
   * be drained (an actor upstream is stuck), nothing moves and the previous plan runs again.
   */
  async #repartition(
    repartitioner: Repartitioner,
    next: HostPlan,
    changes: readonly LayoutChange[],
  ): Promise<void> {
    const from = this.#plan;
    const started = Date.now();
    this.#repartitioning = { changes, since: new Date(started).toISOString() };
    try {
      await this.#pauseAndMove(repartitioner, from, next, changes);
    } finally {
      this.#repartitioning = undefined;
    }
    this.logger.warn({ pausedMs: Date.now() - started }, 'repartition: the pipeline runs the new plan');
  }

  async #pauseAndMove(
    repartitioner: Repartitioner,
    from: HostPlan,
    next: HostPlan,
    changes: readonly LayoutChange[],
  ): Promise<void> {
    this.logger.warn({ changes }, 'repartition: pausing the pipeline to move key groups with their state');
    const outcomes = await this.#drains.all(this.#plan, this.#actors, REPARTITION_DRAIN_MS);
    await this.#root?.terminateChild('pipeline');
    for (const st of this.#status.values()) this.#setState(st, 'stopped');
    let summaries;
    try {
      summaries = await repartitioner.migrate(from, next, changes);
    } catch (err) {
      const cut = [...outcomes]
        .filter(([, o]) => o?.complete !== true)
        .map(([id, o]) => ({ actor: id, cut: o?.cut ?? 'no answer' }));
      this.logger.error(
        { err, drainsCut: cut },
        'repartition failed: the pipeline resumes with the previous plan',
      );
      await this.#resume(from);
      throw err;
    }
    for (const s of summaries) this.logger.warn({ ...s }, 'repartition: key groups moved with their state');
    await this.#resume(next);
  }

  /** Starts the (stopped) pipeline again under `plan`. */
  async #resume(plan: HostPlan): Promise<void> {
    this.#drains.resumed();
    this.#plan = plan;
    this.#actors = planActors(plan);
    this.#wiring.setLinks(linksOf(this.#actors), true);
    const ids = new Set(this.#actors.map((a) => a.actorId));
    for (const id of [...this.#status.keys()]) if (!ids.has(id)) this.#status.delete(id);
    for (const a of this.#actors) {
      if (this.#status.has(a.actorId)) this.#resuming.add(a.actorId);
      else this.#status.set(a.actorId, newStatus(a));
    }
    await this.#root?.restartChild('pipeline');
    await this.options.repartitioner?.recordLayouts(plan);
  }

  /** Stops an actor that left the plan once nothing is on its way to it and its input is handled. */
  async #retire(pipeline: Supervisor, id: string): Promise<void> {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const sending = [...this.#status.values()].some(
        (s) =>
          s.actor !== id && ((s.stats?.targets.includes(id) ?? false) || (s.stats?.outstanding[id] ?? 0) > 0),
      );
      const st = this.#status.get(id);
      if (!sending && (st?.stats?.idle ?? true)) break;
      if (Date.now() > deadline) {
        this.logger.error({ actor: id }, 'removed actor still receives input after 120 s; it keeps running');
        return;
      }
      await sleep(100);
    }
    await this.#drains.one(id, 60_000);
    await pipeline.terminateChild(id);
    await pipeline.deleteChild(id);
    this.#status.delete(id);
    this.logger.info({ actor: id }, 'actor removed from the plan and stopped');
  }

  // ---- actors ----

  #childSpec(id: string): ChildSpec {
    const a = this.#actors.find((x) => x.actorId === id) as ActorPlan;
    return {
      id,
      restart: a.node.restart,
      shutdown: a.node.shutdown,
      backoff: a.node.backoff ?? this.#plan.pipeline.backoff,
      type: 'worker',
      start: () => {
        const current = this.#actors.find((x) => x.actorId === id);
        if (current === undefined) return Promise.resolve({ kind: 'ignore' } as const);
        return this.#startActor(current);
      },
    };
  }

  async #startActor(a: ActorPlan): Promise<StartResult> {
    const status = this.#status.get(a.actorId) as ActorStatus;
    const data: ActorWorkerData = {
      actorId: a.actorId,
      nodeId: a.node.id,
      nodeType: a.node.type,
      partition: a.partition,
      partitions: a.node.partitions,
      settings: a.node.settings,
      actorDir: actorDirOf(this.#plan.dataDir, a.node.id, a.partition),
      dataDir: this.#plan.dataDir,
      quarantineDir: join(this.#plan.dataDir, 'quarantine'),
      plugins: this.#plan.plugins,
      outputs: a.outputs,
      producers: producersOf(linksOf(this.#actors), a.actorId),
      runtime: this.#plan.runtime,
      poisonAfter: a.node.poisonAfter,
      poison: this.#crashes.poisonOf(a.actorId),
    };
    const result = await spawnActor(data, {
      startTimeoutMs: this.#plan.startTimeoutMs,
      onMessage: (m) => this.#onMessage(a, m),
    });
    if (result.kind !== 'started') return result;
    const worker = result.handle as ActorWorker;
    const first = status.stats === undefined && status.restarts === 0 && status.state === 'starting';
    const resumed = this.#resuming.delete(a.actorId);
    if (!first && !resumed) {
      status.restarts++;
      this.hooks.onRestart?.(a.node.id, a.actorId);
    }
    this.#setState(status, 'running');
    this.#running.set(a.actorId, worker);
    void worker.exited.then(() => {
      if (this.#running.get(a.actorId) === worker) {
        this.#running.delete(a.actorId);
        this.#setState(status, 'restarting');
      }
    });
    this.#wiring.wire(a.actorId);
    this.#drains.started(a, worker);
    return result;
  }

  #setState(status: ActorStatus, state: ActorStatus['state']): void {
    status.state = state;
    this.hooks.onState?.(status.node, status.actor, state);
  }

  #onMessage(a: ActorPlan, m: WorkerToHost): void {
    const status = this.#status.get(a.actorId) as ActorStatus;
    switch (m.type) {
      case 'stats': {
        status.stats = m;
        this.#crashes.progressed(a.actorId, m.position);
        this.hooks.onStats?.(a.node.id, a.actorId, m);
        break;
      }
      case 'crashed': {
        const crashes = this.#crashes.crashed(a.actorId, m.position, `${m.error.name}: ${m.error.message}`);
        this.logger.error({ actor: a.actorId, position: m.position, crashes, err: m.error }, 'actor crashed');
        break;
      }
      case 'drained':
        this.#drains.drained(a.actorId, {
          complete: m.complete,
          committedPosition: m.committedPosition,
          lastLsn: m.lastLsn,
          cut: m.cut,
        });
        break;
      default:
        break;
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}
