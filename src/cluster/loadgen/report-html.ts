/**
 * A self-contained HTML page for a load run: the summary table and inline SVG charts of throughput
 * (sent and accepted CDRs — or another unit — per second) and response latency (p50, p99) over time. No external assets.
 */
import type { LoadSummary, SeriesPoint } from './stats.js';

const W = 860;
const H = 240;
const PAD = { left: 64, right: 16, top: 16, bottom: 32 };

const esc = (s: string): string =>
  s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

interface Line {
  readonly label: string;
  readonly color: string;
  readonly values: readonly number[];
}

/** Round axis maximum: 1, 2 or 5 × 10^k at or above `v`. */
export function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

/** One line chart as an SVG element. */
export function lineChart(title: string, unit: string, lines: readonly Line[]): string {
  const n = Math.max(1, ...lines.map((l) => l.values.length));
  const max = niceMax(Math.max(0, ...lines.flatMap((l) => l.values)));
  const iw = W - PAD.left - PAD.right;
  const ih = H - PAD.top - PAD.bottom;
  const x = (i: number): number => PAD.left + (n === 1 ? iw / 2 : (i * iw) / (n - 1));
  const y = (v: number): number => PAD.top + ih - (v / max) * ih;
  const parts: string[] = [];
  for (let k = 0; k <= 4; k++) {
    const v = (max * k) / 4;
    parts.push(
      `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#ddd"/>`,
      `<text x="${PAD.left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${esc(formatNumber(v))}</text>`,
    );
  }
  const step = Math.max(1, Math.ceil(n / 10));
  for (let i = 0; i < n; i += step) {
    parts.push(`<text x="${x(i).toFixed(1)}" y="${H - 10}" text-anchor="middle">${i}s</text>`);
  }
  lines.forEach((l, li) => {
    const pts = l.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    parts.push(`<polyline fill="none" stroke="${l.color}" stroke-width="2" points="${pts}"/>`);
    parts.push(
      `<rect x="${PAD.left + 10 + li * 140}" y="${PAD.top}" width="10" height="10" fill="${l.color}"/>`,
      `<text x="${PAD.left + 24 + li * 140}" y="${PAD.top + 9}">${esc(l.label)}</text>`,
    );
  });
  return (
    `<figure><figcaption>${esc(title)} (${esc(unit)})</figcaption>` +
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-size="11" font-family="sans-serif">` +
    `${parts.join('')}</svg></figure>`
  );
}

function formatNumber(v: number): string {
  if (v >= 1e6) return `${(v / 1e6).toPrecision(3)}M`;
  if (v >= 1e3) return `${(v / 1e3).toPrecision(3)}k`;
  return String(Math.round(v * 100) / 100);
}

export interface HtmlReportInput {
  readonly title: string;
  readonly summary: LoadSummary;
  readonly series: readonly SeriesPoint[];
  /** Extra rows for the summary table (e.g. the options). */
  readonly details: Readonly<Record<string, string>>;
  /** Summary rows in place of the GTP' ones built from `summary`. */
  readonly rows?: Readonly<Record<string, string>>;
  /** What the throughput chart counts (default CDRs). */
  readonly unit?: string;
}

export function renderHtmlReport(r: HtmlReportInput): string {
  const rows = Object.entries({ ...(r.rows ?? summaryRows(r.summary)), ...r.details })
    .map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`)
    .join('');
  const throughput = lineChart('Throughput', `${r.unit ?? 'CDRs'} per second`, [
    { label: 'sent', color: '#1f77b4', values: r.series.map((p) => p.sent) },
    { label: 'accepted', color: '#2ca02c', values: r.series.map((p) => p.accepted) },
  ]);
  const latency = lineChart('Response latency', 'ms', [
    { label: 'p50', color: '#ff7f0e', values: r.series.map((p) => p.p50Ms) },
    { label: 'p99', color: '#d62728', values: r.series.map((p) => p.p99Ms) },
  ]);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(r.title)}</title>
<style>body{font-family:sans-serif;margin:24px;color:#222}table{border-collapse:collapse}th,td{padding:2px 12px;text-align:left;border-bottom:1px solid #eee}figure{margin:24px 0}figcaption{font-weight:bold;margin-bottom:4px}</style>
</head><body><h1>${esc(r.title)}</h1><table>${rows}</table>${throughput}${latency}</body></html>
`;
}

function summaryRows(s: LoadSummary): Record<string, string> {
  return {
    'sent CDRs': String(s.sent),
    'accepted CDRs': String(s.accepted),
    'already fulfilled CDRs': String(s.alreadyFulfilled),
    'retransmitted requests': String(s.retransmitted),
    'possibly duplicated CDRs': String(s.possiblyDuplicated),
    'cancelled CDRs': String(s.cancelled),
    'released CDRs': String(s.released),
    'redirected requests': String(s.redirected),
    'rejected CDRs': String(s.rejected),
    'failed CDRs': String(s.failed),
    'unconfirmed CDRs': String(s.unconfirmed),
    'latency p50 / p99 / max': `${s.latencyMs.p50} / ${s.latencyMs.p99} / ${s.latencyMs.max} ms`,
    'CDRs per second': String(s.cdrsPerSecond),
    elapsed: `${(s.elapsedMs / 1000).toFixed(1)} s`,
  };
}
