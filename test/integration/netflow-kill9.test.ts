/**
 * End to end under kill -9: two simulated exporter sets (`runNetflowLoad` in process) send IPFIX
 * (templates re-sent every 25 packets) and NetFlow v9 (templates in the first packet only) for ~10 s
 * to test/fixtures/netflow-flows.yaml (netflow-ei → one row per flow), and narflow is SIGKILLed twice
 * and started again on the same data directory.
 *
 * NetFlow is not acknowledged: what is sent while the collector is down is lost by the network, not
 * by narflow. So the truth is "every flow of every datagram narflow's input log accepted", made
 * exact this way: before each kill the exporters pause (on a packet without templates) and the test
 * waits until the collector has decoded every flow sent so far (its records-created counter, which
 * lives in the checkpointed ledger), then kills; after the restart it waits for "flow collector
 * listening" and resumes. The first packet of each exporter set after a restart carries no template:
 * it decodes only from the templates the collector checkpointed (or re-learned from its own log).
 * The output must equal the flows sent, row for row: nothing lost, nothing twice; no actor may fail,
 * and the final SIGTERM must end the process promptly.
 */
import { createSocket } from 'node:dgram';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runNetflowLoad, type NetflowRunHooks } from '../../src/cluster/loadgen/netflow/index.js';
import { csvRows, ROOT, sleep, startNarflow, type Running } from '../helpers/narflow-process.js';

const FIXTURE = join(ROOT, 'test', 'fixtures', 'netflow-flows.yaml');
const dirs: string[] = [];
afterAll(async () => {
  if (process.env['NARFLOW_KEEP_TEST_DIRS'] === undefined)
    for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function until(what: string, ok: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** The admin port the running process logged ("admin server listening"). */
function adminPort(r: Running): number | undefined {
  const line = r
    .output()
    .split('\n')
    .find((l) => l.includes('"admin server listening"'));
  return line === undefined ? undefined : (JSON.parse(line) as { port: number }).port;
}

/** Flows the collector has decoded: narflow_node_records_created_total{node="collector"}. */
async function decodedFlows(r: Running): Promise<number> {
  const port = adminPort(r);
  if (port === undefined) return -1;
  const text = await fetch(`http://127.0.0.1:${port}/metrics`).then(
    (res) => res.text(),
    () => '',
  );
  const m = /^narflow_node_records_created_total\{node="collector"\} (\d+)$/m.exec(text);
  return m === null ? -1 : Number(m[1]);
}

interface Sim {
  readonly name: string;
  flows: number;
  paused: boolean;
  /** Whether each packet sent first after a resume carried templates. */
  readonly firstAfterResume: boolean[];
  awaitingFirst: boolean;
}

describe('netflow-ei under kill -9', () => {
  it('ensures the one-row-per-flow output equals every flow sent (IPFIX and v9) across two SIGKILLs, data right after each restart decoded without re-sent templates', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'narflow-netflow-kill9-'));
    dirs.push(dir);
    const [netflowPort, ipfixPort] = [await freeUdpPort(), await freeUdpPort()];
    const args = [
      'run',
      FIXTURE,
      '--data-dir',
      join(dir, 'data'),
      ...[
        `nodes[collector].settings.listen.netflowPort=${netflowPort}`,
        `nodes[collector].settings.listen.ipfixPort=${ipfixPort}`,
        'host.metrics.port=0',
        `nodes[flows].settings.dir=${join(dir, 'out')}`,
        'nodes[flows].settings.rollIntervalMs=1000',
      ].flatMap((set) => ['--set', set]),
    ];
    const listening = (r: Running): Promise<void> =>
      until('"flow collector listening"', () => r.output().includes('"flow collector listening"'), 30_000);
    let narflow = startNarflow(args);
    await listening(narflow);

    let pause = false;
    const hooksOf = (s: Sim): NetflowRunHooks => ({
      // Pause on a packet without templates, so the first packet after the resume has none.
      paused: (next) => (s.paused = pause && !next.templates),
      sent: (p) => {
        s.flows += p.flows;
        if (s.awaitingFirst) {
          s.awaitingFirst = false;
          s.firstAfterResume.push(p.templates);
        }
      },
    });
    const sims: Sim[] = ['ipfix', 'v9'].map((name) => ({
      name,
      flows: 0,
      paused: false,
      firstAfterResume: [],
      awaitingFirst: false,
    }));
    const [ipfixSim, v9Sim] = sims as [Sim, Sim];
    const common = { exporters: 2, durationMs: 10_000, maxSeconds: 120, progress: 'off' as const };
    const loads = Promise.all([
      runNetflowLoad(
        {
          ...common,
          target: { host: '127.0.0.1', port: ipfixPort },
          version: 10,
          rate: 1500,
          recordsPerPacket: 10,
          templateEvery: 25,
          sampling: 8,
          seed: 11,
          out: join(dir, 'lg-ipfix'),
        },
        hooksOf(ipfixSim),
      ),
      runNetflowLoad(
        {
          ...common,
          target: { host: '127.0.0.1', port: netflowPort },
          version: 9,
          rate: 1000,
          recordsPerPacket: 15,
          templateEvery: 0,
          seed: 12,
          out: join(dir, 'lg-v9'),
        },
        hooksOf(v9Sim),
      ),
    ]);

    let kills = 0;
    let done = false;
    const outputs: string[] = [];
    let reports: Awaited<typeof loads> | undefined;
    let truth: string[] = [];
    try {
      for (const at of [3000, 3500]) {
        await sleep(at);
        pause = true;
        await until('the exporters to pause', () => sims.every((s) => s.paused), 10_000);
        await sleep(200); // the last sends' callbacks
        await until(
          'the collector to decode every flow sent',
          async () => (await decodedFlows(narflow)) === ipfixSim.flows + v9Sim.flows,
          30_000,
        );
        narflow.child.kill('SIGKILL');
        await narflow.exit;
        outputs.push(narflow.output());
        kills++;
        narflow = startNarflow(args);
        await listening(narflow);
        for (const s of sims) s.awaitingFirst = true;
        pause = false;
      }
      reports = await loads;
      truth = (
        await Promise.all(
          ['lg-ipfix', 'lg-v9'].map(async (d) =>
            (await readFile(join(dir, d, 'truth', 'flows.csv'), 'utf8')).split('\n').slice(1, -1),
          ),
        )
      )
        .flat()
        .sort();
      await until(
        'every flow in the output',
        async () => (await csvRows(join(dir, 'out')).catch(() => [])).length >= truth.length,
        60_000,
      );
      await sleep(2500); // a duplicate would come out by now
      done = true;
    } finally {
      // On a failure nothing is left running; on success narflow is stopped in order below.
      if (!done) narflow.child.kill('SIGKILL');
    }
    const stopAt = Date.now();
    narflow.child.kill('SIGTERM');
    const stopped = await narflow.exit;
    expect(stopped.code, narflow.output().slice(-3000)).toBe(0);
    // An actor that fails during the drain leaves the host waiting for its answer (60 s) before exiting.
    expect(Date.now() - stopAt, 'SIGTERM → exit, ms').toBeLessThan(30_000);
    outputs.push(narflow.output());
    for (const out of outputs) expect(out.match(/.*"child_terminated".*/g) ?? []).toEqual([]);
    const rows = (await csvRows(join(dir, 'out'))).sort();

    expect(kills).toBe(2);
    for (const r of reports ?? []) {
      expect(r.ended).toBe('duration');
      expect(r.summary.sendErrors).toBe(0);
    }
    expect(reports?.[0].summary.templatePackets).toBeGreaterThan(4); // IPFIX: periodic templates
    expect(reports?.[1].summary.templatePackets).toBe(2); // v9: one per exporter, at the start
    expect(truth.length).toBe(ipfixSim.flows + v9Sim.flows);
    expect(truth.length).toBeGreaterThan(15_000);
    // After each restart, both exporter sets went on with a data-only packet.
    for (const s of sims) expect(s.firstAfterResume, s.name).toEqual([false, false]);
    expect(rows.length).toBe(truth.length);
    expect(rows).toEqual(truth);
  }, 240_000);
});
