/** `report.html` of a netflow load run: the summary, the exporters and a flows-per-second chart. */
import { lineChart } from '../report-html.js';
import type { NetflowLoadReport } from './report.js';

const esc = (s: string): string =>
  s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

const table = (rows: readonly (readonly string[])[]): string =>
  `<table>${rows.map((r) => `<tr>${r.map((c, i) => (i === 0 ? `<th>${esc(c)}</th>` : `<td>${esc(c)}</td>`)).join('')}</tr>`).join('')}</table>`;

export function netflowReportHtml(r: NetflowLoadReport): string {
  const o = r.options;
  const s = r.summary;
  const title = `narflow loadgen netflow → ${o.target.host}:${o.target.port}`;
  const summary = table([
    ['version', o.version === 10 ? 'IPFIX' : `NetFlow v${o.version}`],
    ['flows sent', String(s.flows)],
    ['datagrams sent', `${s.packets} (${s.templatePackets} with templates)`],
    ['send errors', String(s.sendErrors)],
    ['flows per second', String(s.flowsPerSecond)],
    ['rate / shape', `${o.rate === 0 ? 'unlimited' : `${o.rate} flows/s`} / ${o.shape.kind}`],
    ['records per packet / template every', `${o.recordsPerPacket} / ${o.templateEvery}`],
    ['sampling', `1 in ${o.sampling}`],
    ['seed', String(o.seed)],
    ['elapsed', `${(s.elapsedMs / 1000).toFixed(1)} s`],
    ['ended', r.ended],
  ]);
  const exporters = table([
    ['exporter', 'domain', 'datagrams', 'flows', 'with templates', 'restarts'],
    ...r.exporters.map((e) => [
      e.address,
      String(e.observationDomainId),
      String(e.packets),
      String(e.flows),
      String(e.templatePackets),
      String(e.restarts),
    ]),
  ]);
  const chart = lineChart('Throughput', 'per second', [
    { label: 'flows', color: '#1f77b4', values: r.series.map((p) => p.flows) },
    { label: 'datagrams', color: '#2ca02c', values: r.series.map((p) => p.packets) },
  ]);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font-family:sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin-bottom:16px}th,td{padding:2px 12px;text-align:left;border-bottom:1px solid #eee}</style>
</head><body><h1>${esc(title)}</h1>${summary}${exporters}${chart}</body></html>
`;
}
