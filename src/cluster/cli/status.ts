/** `narflow status`: asks the running host (found through <data-dir>/host.json) for its status. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { HostStatus } from '../host/host-status.js';
import { HOST_FILE } from '../host/process.js';

/** Base URL of the admin server of the narflow running with this data directory. */
export async function hostEndpoint(dataDir: string): Promise<string> {
  let info: { adminHost: string; adminPort?: number; pid: number };
  try {
    info = JSON.parse(await readFile(join(dataDir, HOST_FILE), 'utf8')) as typeof info;
  } catch {
    throw new Error(`no narflow is running with data directory ${dataDir} (no ${HOST_FILE})`);
  }
  if (info.adminPort === undefined)
    throw new Error(`narflow (pid ${info.pid}) runs with the admin server disabled`);
  return `http://${info.adminHost}:${info.adminPort}`;
}

export async function fetchStatus(dataDir: string): Promise<HostStatus> {
  const res = await fetch(`${await hostEndpoint(dataDir)}/status`);
  if (!res.ok) throw new Error(`status request failed: HTTP ${res.status}`);
  return (await res.json()) as HostStatus;
}

/** Bytes for people: B below 1 KiB, then KiB / MiB with one decimal. */
function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

export function formatStatus(s: HostStatus): string {
  const alarms: string[] = [];
  const rows = [
    ['node', 'actor', 'state', 'restarts', 'queue', 'in', 'out', 'quarantined', 'held', 'checkpoint'],
  ];
  for (const n of s.nodes) {
    for (const a of n.actors) {
      const st = a.stats;
      const l = st?.ledger;
      rows.push([
        n.node,
        a.actor,
        a.state,
        String(a.restarts),
        String(st?.queueDepth ?? '-'),
        String(l === undefined ? '-' : l.in + l.created),
        String(l?.out ?? '-'),
        String(l?.quarantined ?? '-'),
        String(l?.held ?? '-'),
        st === undefined
          ? '-'
          : `${(st.checkpointAgeMs / 1000).toFixed(1)}s ago, ${size(st.checkpointBytes)}, every ${(st.checkpointIntervalMs / 1000).toFixed(1)}s`,
      ]);
      for (const [name, alarm] of Object.entries(st?.alarms ?? {})) {
        const since = new Date(alarm.sinceMs).toISOString();
        alarms.push(
          `ALARM ${a.actor} ${name} since ${since}${alarm.detail === '' ? '' : `: ${alarm.detail}`}`,
        );
      }
    }
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const lines = rows.map((r) =>
    r
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd(),
  );
  for (const c of s.repartition?.changes ?? []) {
    alarms.unshift(
      `REPARTITION ${c.node}: ${c.from.partitions} → ${c.to.partitions} actors, ${c.from.keyGroups} → ` +
        `${c.to.keyGroups} key groups; pipeline paused since ${s.repartition?.since ?? '?'}`,
    );
  }
  const tail = alarms.length === 0 ? '' : `${alarms.join('\n')}\n`;
  return `host ${s.host} (pid ${s.pid}, up since ${s.startedAt})\n${lines.join('\n')}\n${tail}`;
}

export async function statusCommand(opts: { dataDir: string; json: boolean }): Promise<number> {
  const s = await fetchStatus(opts.dataDir);
  process.stdout.write(opts.json ? `${JSON.stringify(s, null, 2)}\n` : formatStatus(s));
  return 0;
}
