/**
 * The metrics of what EIs receive from network elements: their ingest sources' events, answer
 * latency and gauges (`narflow_ingest_*`), and the per-peer counts a handler keeps in its checkpoint
 * (`narflow_node_peer_events_total`). Part of HostMetrics; events are error-code-like names bounded
 * per node like quarantine reasons, peers are bounded per node at MAX_PEER_LABELS.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { IngestStats } from '../runtime/actor.js';
import { LATENCY_BUCKETS_SECONDS, observeBuckets } from './latency-buckets.js';
import { BoundedLabels, type SeriesMarks } from './series-marks.js';

/** Peers (network elements) labelled per node; more share the label `other`. */
export const MAX_PEER_LABELS = 1024;

const QUANTILES = ['0.5', '0.99', '1'] as const;

export class IngestMetrics {
  readonly #events: Counter<'node' | 'event'>;
  readonly #latency: Gauge<'node' | 'actor' | 'quantile'>;
  readonly #latencyHistogram: Histogram<'node' | 'actor'>;
  readonly #gauge: Gauge<'node' | 'actor' | 'name'>;
  readonly #peerEvents: Counter<'node' | 'peer' | 'event'>;
  readonly #nodePeerEvents: Counter<'node' | 'peer' | 'event'>;
  readonly #peers = new BoundedLabels(MAX_PEER_LABELS);
  /** Ingest gauge names with a series, per actor. */
  readonly #gaugeNames = new Map<string, Set<string>>();

  constructor(
    registry: Registry,
    private readonly marks: SeriesMarks,
    /** The event label of a node (bounded like the node's other reason labels). */
    private readonly eventLabel: (scope: string, event: string) => string,
  ) {
    const registers = [registry];
    this.#events = new Counter({
      name: 'narflow_ingest_events_total',
      help: 'Events of an EI ingest source (messages by type and answer, refused peers, redirections), by event.',
      labelNames: ['node', 'event'],
      registers,
    });
    this.#latency = new Gauge({
      name: 'narflow_ingest_response_seconds',
      help: 'Latency from receipt to the answer sent to the network element, over the last stats interval.',
      labelNames: ['node', 'actor', 'quantile'],
      registers,
    });
    this.#latencyHistogram = new Histogram({
      name: 'narflow_ingest_response_duration_seconds',
      help: 'Latency from receipt to the answer sent to the network element (for percentiles over any span).',
      labelNames: ['node', 'actor'],
      buckets: [...LATENCY_BUCKETS_SECONDS],
      registers,
    });
    this.#gauge = new Gauge({
      name: 'narflow_ingest_state',
      help: 'Current values an EI ingest source reports.',
      labelNames: ['node', 'actor', 'name'],
      registers,
    });
    this.#peerEvents = new Counter({
      name: 'narflow_ingest_peer_events_total',
      help: 'Events of an EI ingest source per peer (network element), by event.',
      labelNames: ['node', 'peer', 'event'],
      registers,
    });
    this.#nodePeerEvents = new Counter({
      name: 'narflow_node_peer_events_total',
      help: 'Events per peer (network element) a node counts in its checkpointed state, e.g. lost export packets.',
      labelNames: ['node', 'peer', 'event'],
      registers,
    });
  }

  /** Ingest events are not checkpointed: after a restart they count again from 0. */
  applyIngest(node: string, actor: string, ingest: IngestStats): void {
    for (const [event, v] of Object.entries(ingest.events)) {
      const delta = this.marks.advance(actor, `ingest.${event}`, v, 'from-zero');
      if (delta > 0) this.#events.inc({ node, event: this.eventLabel(`${node}\u0000ingest`, event) }, delta);
    }
    const l = ingest.latencyMs;
    if (l !== undefined && l.count > 0) {
      const values = [l.p50, l.p99, l.max];
      QUANTILES.forEach((quantile, i) =>
        this.#latency.set({ node, actor, quantile }, (values[i] as number) / 1000),
      );
      observeBuckets(this.#latencyHistogram, { node, actor }, l);
    }
    let names = this.#gaugeNames.get(actor);
    for (const [name, v] of Object.entries(ingest.gauges ?? {})) {
      if (names === undefined) this.#gaugeNames.set(actor, (names = new Set()));
      names.add(name);
      this.#gauge.set({ node, actor, name }, v);
    }
    this.#applyPeers(node, actor, 'ingest.peer', ingest.peers, this.#peerEvents, 'from-zero');
  }

  /** A handler's checkpointed per-peer counts: restored and replayed after a restart, never counted twice. */
  applyPeerStats(
    node: string,
    actor: string,
    peerStats: Readonly<Record<string, Readonly<Record<string, number>>>> | undefined,
  ): void {
    this.#applyPeers(node, actor, 'node.peer', peerStats, this.#nodePeerEvents, 'high-water');
  }

  /** Drops the actor's own series (the node-level counters stay). */
  removeActor(node: string, actor: string): void {
    for (const name of this.#gaugeNames.get(actor) ?? []) this.#gauge.remove({ node, actor, name });
    this.#gaugeNames.delete(actor);
    for (const quantile of QUANTILES) this.#latency.remove({ node, actor, quantile });
    this.#latencyHistogram.remove({ node, actor });
  }

  #applyPeers(
    node: string,
    actor: string,
    series: string,
    peers: Readonly<Record<string, Readonly<Record<string, number>>>> | undefined,
    counter: Counter<'node' | 'peer' | 'event'>,
    mode: 'from-zero' | 'high-water',
  ): void {
    const scope = series === 'ingest.peer' ? `${node}\u0000ingest` : `${node}\u0000peer`;
    for (const [peer, events] of Object.entries(peers ?? {})) {
      for (const [event, v] of Object.entries(events)) {
        const delta = this.marks.advance(actor, `${series}.${peer}\u0000${event}`, v, mode);
        if (delta > 0)
          counter.inc(
            { node, peer: this.#peers.label(node, peer), event: this.eventLabel(scope, event) },
            delta,
          );
      }
    }
  }
}
