/**
 * Node types are plug-ins: a name, a kind, a settings schema (validated in the main thread before
 * anything starts) and factories that run inside the actor's worker thread.
 */
import type { ZodType } from 'zod';
import type { IngestSource, NodeEnv, NodeHandler } from '../runtime/actor.js';

export type NodeKind = 'EI' | 'EP' | 'AP' | 'OE' | 'OI';

/** Where key groups live after a node is repartitioned. */
export interface KeyGroupPlacement {
  /** Number of key groups (the node's own, as its settings give it). */
  readonly keyGroups: number;
  /** Number of actor slots to return state for (slots past the node's partitions get none). */
  readonly actors: number;
  /** Entry g: the actor slot that owns key group g from now on. */
  readonly ownerOf: readonly number[];
}

/** State of a repartitioned node, one entry per actor slot, and how held records moved. */
export interface Repartitioned {
  readonly states: unknown[];
  /** Records held in each new state. */
  readonly held: number[];
  /** `moved[from][to]`: records held by old actor `from` that are now held by actor `to`. */
  readonly moved: number[][];
}

/** Where replayed input goes: the directory of the node's first actor. */
export interface ReplayTarget {
  readonly actorDir: string;
}

export interface NodeType<S = unknown> {
  readonly name: string;
  readonly kind: NodeKind;
  readonly description: string;
  readonly settings: ZodType<S>;
  /**
   * Nodes that keep state per session key group (the order enhancer): the session routing every
   * edge into a node of this type must use when it has more than one partition.
   */
  sessionInput?(settings: S): { readonly attributes: readonly string[]; readonly keyGroups: number };
  /**
   * Nodes that keep state per key group: re-places state when the key groups move between actors
   * (the node's partitions, key groups or ring changed). `states[i]`: the snapshot of actor i
   * (undefined when it has none) and `actorDirs[i]` its directory (files the state refers to);
   * every actor's state is quiescent (its input fully handled). Returns the snapshot of every actor
   * slot of `placement`, referring to no file of the old actors.
   */
  repartition?(
    settings: S,
    states: readonly unknown[],
    placement: KeyGroupPlacement,
    actorDirs: readonly string[],
  ): Repartitioned;
  /** Named output channels a node of this type may emit to (EP routing); none = only the default. */
  channels?(settings: S): readonly string[];
  /** Most actors a node of this type may run as (a node that owns a listening port: 1). */
  readonly maxPartitions?: number;
  /** `periodic`: the runtime checkpoints on a timer; `on-request`: only when the handler asks (sinks). */
  readonly checkpoint: 'periodic' | 'on-request';
  create(settings: S, env: NodeEnv): NodeHandler;
  ingest?(settings: S, env: NodeEnv): IngestSource;
  /**
   * Re-injects quarantined raw input (after the cause was fixed) where this node picks input up;
   * returns a description of where it went. Node types without it cannot replay quarantine.
   * `details[i]` is the detail raw `i` was quarantined with (where it came from, for a datagram).
   */
  replay?(
    settings: S,
    raws: readonly Uint8Array[],
    target: ReplayTarget,
    details: readonly (Readonly<Record<string, unknown>> | undefined)[],
  ): Promise<string>;
  /**
   * The node's `rules` block may be given as `rulesFile:`. A `.yaml`/`.yml`/`.json` file is read as
   * YAML; any other file is handed to this parser (the type's own rule syntax, e.g. the seed's
   * aggregation rules), which returns the value a `rules:` block would hold, or throws
   * RulesFileError naming the line. Types without it accept YAML rules files only.
   */
  parseRulesFile?(text: string, file: string): unknown;
  /**
   * Runs in the config loader after the settings validated: resolves file paths the settings or
   * rules name against the config file's directory and checks those files (tables), so their
   * mistakes are config errors. Throws RulesFileError; returns the settings with absolute paths.
   */
  resolveFiles?(settings: S, configDir: string): S | Promise<S>;
}

export class NodeTypeRegistry {
  readonly #types = new Map<string, NodeType>();

  register<S>(type: NodeType<S>): void {
    if (this.#types.has(type.name)) throw new Error(`node type "${type.name}" is registered twice`);
    this.#types.set(type.name, type as unknown as NodeType);
  }

  get(name: string): NodeType | undefined {
    return this.#types.get(name);
  }

  names(): string[] {
    return [...this.#types.keys()].sort();
  }
}
