/**
 * The host's links between actors: each producer→consumer link of the plan gets a fresh
 * MessageChannel whenever either end's worker (re)starts, and only then (a link between the same
 * two workers keeps its channel).
 */
import { MessageChannel } from 'node:worker_threads';
import type { ActorWorker } from '../../actors/runtime/worker-handle.js';
import type { Link } from './plan.js';

export class LinkWiring {
  #links: readonly Link[];
  /** Links with a channel between the current workers of both ends. */
  readonly #wired = new Map<string, { producer: ActorWorker; consumer: ActorWorker }>();

  constructor(
    private readonly running: ReadonlyMap<string, ActorWorker>,
    links: readonly Link[],
  ) {
    this.#links = links;
  }

  /** The plan's links changed; `rewire`: every channel is made again as workers start. */
  setLinks(links: readonly Link[], rewire = false): void {
    this.#links = links;
    if (rewire) this.#wired.clear();
  }

  /** A channel for every link of this actor whose other end runs and that has none between these two workers. */
  wire(actor: string): void {
    for (const link of this.#links) {
      if (link.producer !== actor && link.consumer !== actor) continue;
      const producer = this.running.get(link.producer);
      const consumer = this.running.get(link.consumer);
      if (producer === undefined || consumer === undefined) continue;
      const key = `${link.producer}>${link.consumer}`;
      const wired = this.#wired.get(key);
      if (wired?.producer === producer && wired.consumer === consumer) continue;
      this.#wired.set(key, { producer, consumer });
      const { port1, port2 } = new MessageChannel();
      consumer.send({ type: 'connect-in', producer: link.producer, port: port2 });
      producer.send({ type: 'connect-out', target: link.consumer, port: port1 });
    }
  }
}
