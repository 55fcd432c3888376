/**
 * One narflow process: load the config, start the supervisor tree, the admin/metrics server,
 * signal handling and the idle exit. `run` and `demo` both start hosts through here.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import { loadRegistry } from '../../actors/nodes/load.js';
import { HostMetrics } from '../../actors/telemetry/metrics.js';
import { createLogger } from '../../actors/telemetry/logger.js';
import { startAdminServer } from '../admin/server.js';
import { loadConfig } from '../config/index.js';
import { HostAgent } from './agent.js';
import { Repartitioner, RepartitionError } from './repartition.js';
import { lockDataDir } from './data-dir-lock.js';
import { serviceChild } from './service-child.js';
import type { ChildSpec } from '../../actors/supervision/types.js';
import { applyMapBody, createMapStore, seedMap, validateMapNodes } from './map-sync.js';
import { planFromConfig } from './plan-from-config.js';
import { applyWorkerHeap } from './worker-heap.js';

export interface HostOptions {
  readonly file: string;
  readonly dataDir?: string | undefined;
  readonly sets: readonly string[];
  readonly idleExitSeconds?: number | undefined;
  /** Overrides the configured log level (the demo keeps logs quiet). */
  readonly logLevel?: string | undefined;
  readonly handleSignals?: boolean;
}

export interface HostRun {
  readonly agent: HostAgent;
  readonly logger: Logger;
  readonly dataDir: string;
  readonly adminPort: number | undefined;
  /** Resolves with the process exit code once the host has ended. */
  readonly done: Promise<number>;
  stop(): Promise<number>;
}

export const HOST_FILE = 'host.json';

export async function startHost(opts: HostOptions): Promise<HostRun> {
  const registry = await loadRegistry([]);
  const fileConfig = await loadConfig(opts.file, { registry, sets: [...opts.sets], dataDir: opts.dataDir });
  const logger = createLogger({
    level: opts.logLevel ?? fileConfig.host.log.level,
    base: { host: fileConfig.host.id },
  });
  for (const w of fileConfig.warnings) logger.warn({ config: fileConfig.file }, w);
  const store = createMapStore(fileConfig, (err) => logger.error({ err }, 'map store'));
  const seeded = await seedMap(store, fileConfig, registry);
  const config = seeded.config;
  logger.info(
    { mapStore: config.mapStore.type, version: seeded.version },
    seeded.seeded ? 'data-flow map seeded from the config file' : 'data-flow map taken from the map store',
  );
  const plan = planFromConfig(config, registry);
  applyWorkerHeap(config.host.heap);
  const dataDir = resolve(plan.dataDir);
  await mkdir(dataDir, { recursive: true });
  const unlock = await lockDataDir(dataDir);
  // Keyed nodes (order enhancers) whose layout changed since their state was made: their key
  // groups move with their state before the new layout runs. When the state is quiescent they
  // move now; otherwise the old layout runs first, drains, and the move happens as for a live
  // change (agent.applyPlan below).
  const repartitioner = new Repartitioner(registry, dataDir, logger);
  let startPlan = plan;
  try {
    await repartitioner.recover();
    const changes = await repartitioner.changesOnDisk(plan);
    if (changes.length > 0) {
      const old = repartitioner.withOldLayouts(plan, changes);
      try {
        for (const s of await repartitioner.migrate(old, plan, changes)) {
          logger.warn({ ...s }, 'repartition: key groups moved with their state');
        }
      } catch (err) {
        // Refused before anything moved: run the old layout and drain it first.
        if (!(err instanceof RepartitionError) || err.code !== 'not_quiescent') throw err;
        logger.warn(
          { changes, pending: err.context['problems'] },
          'repartition: input not yet handled under the old layout; running it to drain first',
        );
        startPlan = old;
      }
    }
    if (startPlan === plan) await repartitioner.recordLayouts(plan);
  } catch (err) {
    await store.close();
    await unlock();
    throw err;
  }

  const metrics = new HostMetrics();
  const agent = new HostAgent(
    startPlan,
    logger,
    {
      onStats: (node, actor, s) => metrics.applyActorStats({ ...s, node, actor }),
      onRestart: (node, actor) => metrics.actorRestarted(node, actor),
      onState: (node, actor, state) => metrics.setActorState(node, actor, state),
    },
    { repartitioner },
  );
  let adminPort: number | undefined;
  const writeHostFile = (): Promise<void> =>
    writeFile(
      join(dataDir, HOST_FILE),
      JSON.stringify({ pid: process.pid, host: plan.hostId, adminHost: config.host.metrics.host, adminPort }),
    );
  const services: ChildSpec[] = [];
  if (config.host.metrics.enabled) {
    services.push(
      serviceChild('admin-server', async () => {
        const server = await startAdminServer({
          host: config.host.metrics.host,
          port: adminPort ?? config.host.metrics.port,
          metrics,
          status: () => agent.status(),
          log: logger,
          actions: { '/map': (body) => applyMapBody(store, config, registry, body) },
        });
        adminPort = server.port;
        await writeHostFile();
        return { stop: () => server.close(), failed: new Promise<Error>(() => undefined) };
      }),
    );
  } else {
    await writeHostFile();
  }
  let applied = seeded.version;
  const afterPipeline: ChildSpec[] = [];
  afterPipeline.push(
    serviceChild('map-watcher', async () => {
      let fail: (err: Error) => void = () => undefined;
      const failed = new Promise<Error>((r) => (fail = r));
      const apply = async (): Promise<void> => {
        const map = await store.get();
        if (map.version <= applied) return;
        const v = validateMapNodes(config, Object.values(map.nodes), registry);
        if (!v.ok) {
          applied = map.version;
          logger.error(
            { version: map.version, problems: v.problems },
            'new data-flow map is not valid; keeping the running one',
          );
          return;
        }
        logger.info({ version: map.version }, 'applying data-flow map');
        await agent.applyPlan(planFromConfig(v.config, registry));
        applied = map.version;
        logger.info({ version: map.version }, 'data-flow map applied');
      };
      let chain = Promise.resolve();
      const kick = (): void => {
        chain = chain.then(apply).catch((err: Error) => fail(err));
      };
      const unwatch = await store.watch(kick);
      kick(); // changes made while the watcher was not running
      return {
        stop: async () => {
          await unwatch();
          await chain;
        },
        failed,
      };
    }),
  );

  let resolveDone: (code: number) => void = () => undefined;
  const done = new Promise<number>((r) => (resolveDone = r));
  let ending = false;
  const end = async (code: number, how: string): Promise<number> => {
    if (ending) return done;
    ending = true;
    logger.info({ how }, 'narflow stopping');
    try {
      if (code === 0) await agent.drainAndStop(60_000);
    } catch (err) {
      logger.error({ err }, 'drain failed');
      code = 1;
    }
    clearInterval(idleTimer);
    await store.close();
    await rm(join(dataDir, HOST_FILE), { force: true });
    await unlock();
    logger.info({ code }, 'narflow stopped');
    resolveDone(code);
    return done;
  };

  const root = await agent.start(services, afterPipeline);
  if (startPlan !== plan) {
    try {
      await agent.applyPlan(plan);
    } catch (err) {
      // The old layout could not be drained: it is running again. Stop, and say why; the service
      // manager's next start tries again.
      logger.fatal({ err }, 'repartition at start failed; stopping');
      await root.stop();
      await end(1, 'repartition failed');
      throw err;
    }
  }
  logger.info({ config: config.file, dataDir, adminPort }, 'narflow running');
  void root.ended.then((e) => {
    if (!ending && e.cause !== 'stopped') {
      logger.fatal(
        { cause: e.cause },
        'the root supervisor gave up; exiting so the service manager restarts narflow',
      );
      ending = true;
      void store.close();
      resolveDone(1);
    }
  });

  const idleTimer = setInterval(() => {
    if (opts.idleExitSeconds === undefined || ending) return;
    // Quiet since the last input anywhere, not merely idle at the last look: a paced input that
    // is handled quickly leaves every actor idle between arrivals.
    const quiet = agent.quietForMs();
    if (quiet !== undefined && quiet >= opts.idleExitSeconds * 1000) void end(0, 'idle');
  }, 100);

  if (opts.handleSignals !== false) {
    const onSignal = (sig: string): void => void end(0, sig);
    process.once('SIGTERM', () => onSignal('SIGTERM'));
    process.once('SIGINT', () => onSignal('SIGINT'));
  }
  return { agent, logger, dataDir, adminPort, done, stop: () => end(0, 'stop') };
}
