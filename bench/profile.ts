/**
 * Summarises the V8 CPU profiles `node --cpu-prof` writes (one file per thread): busy time and the
 * functions with the most self time. A thread is named after the narflow node module it spends most
 * time in, since the file name only carries the thread id.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { functionName: string; url: string; lineNumber: number };
  readonly hitCount?: number;
}

interface CpuProfile {
  readonly nodes: ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples?: number[];
}

export interface HotFunction {
  readonly name: string;
  readonly location: string;
  readonly selfMs: number;
  readonly share: number;
}

export interface ThreadProfile {
  readonly file: string;
  readonly label: string;
  readonly wallMs: number;
  readonly busyMs: number;
  readonly top: HotFunction[];
}

const IDLE = new Set(['(idle)', '(root)']);

function shortUrl(url: string): string {
  const i = url.indexOf('/dist/');
  if (i >= 0) return url.slice(i + 6);
  const nm = url.lastIndexOf('/node_modules/');
  return nm >= 0 ? url.slice(nm + 14) : url;
}

export function summarizeProfile(file: string, p: CpuProfile, topN: number): ThreadProfile {
  const wallMs = (p.endTime - p.startTime) / 1000;
  const totalHits = p.nodes.reduce((n, x) => n + (x.hitCount ?? 0), 0);
  const msPerHit = totalHits === 0 ? 0 : wallMs / totalHits;
  const byKey = new Map<string, { name: string; location: string; hits: number }>();
  const byModule = new Map<string, number>();
  let busyHits = 0;
  for (const n of p.nodes) {
    const hits = n.hitCount ?? 0;
    if (hits === 0 || IDLE.has(n.callFrame.functionName)) continue;
    busyHits += hits;
    const url = shortUrl(n.callFrame.url);
    const location = url === '' ? '' : `${url}:${n.callFrame.lineNumber + 1}`;
    const name = n.callFrame.functionName === '' ? '(anonymous)' : n.callFrame.functionName;
    const key = `${name}@${location}`;
    const e = byKey.get(key) ?? { name, location, hits: 0 };
    e.hits += hits;
    byKey.set(key, e);
    if (url.startsWith('src/actors/nodes/')) byModule.set(url, (byModule.get(url) ?? 0) + hits);
  }
  const busyMs = busyHits * msPerHit;
  const top = [...byKey.values()]
    .sort((a, b) => b.hits - a.hits)
    .slice(0, topN)
    .map((e) => ({
      name: e.name,
      location: e.location,
      selfMs: e.hits * msPerHit,
      share: busyHits === 0 ? 0 : e.hits / busyHits,
    }));
  // CPU.<date>.<time>.<pid>.<thread id>.<sequence>.cpuprofile; thread 0 is the main thread.
  const threadId = /\.(\d+)\.\d+\.cpuprofile$/.exec(file)?.[1];
  const [module, hits] = [...byModule.entries()].sort((a, b) => b[1] - a[1])[0] ?? ['other', 0];
  const label = threadId === '0' ? 'main thread' : hits > 0 ? module : 'other';
  return { file, label, wallMs, busyMs, top };
}

export async function summarizeProfiles(dir: string, topN = 12): Promise<ThreadProfile[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile')).sort();
  const out: ThreadProfile[] = [];
  for (const f of files) {
    const p = JSON.parse(await readFile(join(dir, f), 'utf8')) as CpuProfile;
    out.push(summarizeProfile(f, p, topN));
  }
  return out.sort((a, b) => b.busyMs - a.busyMs);
}

export function formatProfiles(threads: readonly ThreadProfile[]): string[] {
  const lines: string[] = [];
  for (const t of threads) {
    lines.push(
      `  thread ${t.file} [${t.label}]: busy ${(t.busyMs / 1000).toFixed(1)} s of ${(t.wallMs / 1000).toFixed(1)} s`,
    );
    for (const f of t.top) {
      lines.push(
        `    ${(f.share * 100).toFixed(1).padStart(5)} %  ${f.selfMs.toFixed(0).padStart(6)} ms  ${f.name}  ${f.location}`,
      );
    }
  }
  return lines;
}
