import { describe, expect, it } from 'vitest';
import { lineChart, niceMax, renderHtmlReport } from '../../../src/cluster/loadgen/report-html.js';
import { ProgressPrinter, summaryText, type ProgressPoint } from '../../../src/cluster/loadgen/report.js';
import { LoadStats } from '../../../src/cluster/loadgen/stats.js';

function sampleStats(): LoadStats {
  const s = new LoadStats();
  s.sent(100, 200);
  s.accepted(90);
  s.response(2);
  s.response(8);
  s.tick(1000, 5);
  s.sent(50, 1500);
  s.tick(2000, 0);
  return s;
}

describe('load report', () => {
  it('ensures per-second points count what happened in each second', () => {
    const s = sampleStats();
    expect(s.series).toEqual([
      { second: 0, sent: 100, accepted: 90, outstanding: 5, p50Ms: expect.closeTo(2, 1), p99Ms: 8 },
      { second: 1, sent: 50, accepted: 0, outstanding: 0, p50Ms: 0, p99Ms: 0 },
    ]);
    expect(s.series[0]?.p50Ms).toBeGreaterThanOrEqual(2);
    expect(s.series[0]?.p50Ms).toBeLessThan(2.1);
    const sum = s.finish(2000);
    expect(sum.cdrsPerSecond).toBe(100); // 150 CDRs, the last first sent at 1.5 s
    expect(sum.latencyMs.max).toBe(8);
  });

  it('ensures the summary names every counter with its unit', () => {
    const text = summaryText(sampleStats().finish(2000));
    for (const k of [
      'sent',
      'accepted',
      'already-fulfilled',
      'retransmitted',
      'possibly-duplicated',
      'cancelled',
      'released',
      'redirected',
      'rejected',
      'failed',
      'latency',
      'rate',
    ]) {
      expect(text).toMatch(new RegExp(`^${k}\\s`, 'm'));
    }
    expect(text).toMatch(/^sent\s+150 CDRs$/m);
    expect(text).toMatch(/^latency\s+p50 2\.04 ms, p99 8 ms, max 8 ms$/m);
    expect(text).not.toMatch(/^prepared/m);
    const withPrep = summaryText(sampleStats().finish(2000), { cdrs: 150, ms: 1234 });
    expect(withPrep).toMatch(/^prepared\s+150 CDRs in 1\.23 s, before sending$/m);
    expect(withPrep).not.toMatch(/^start-at/m);
    const streamed = summaryText(sampleStats().finish(2000), { mode: 'stream', cdrs: 150, ms: 0 });
    expect(streamed).toMatch(/^prepared\s+150 CDRs, made while sending$/m);
    expect(streamed).not.toMatch(/^generator/m);
    const used = summaryText(sampleStats().finish(2000), undefined, {
      peakRssBytes: 230 * 1048576,
      cpuSeconds: 12.34,
    });
    expect(used).toMatch(/^generator\s+peak RSS 230 MiB, CPU 12\.3 s$/m);
    const started = summaryText(sampleStats().finish(2000), {
      cdrs: 150,
      ms: 1234,
      waitedMs: 2500,
      lateMs: 3,
    });
    expect(started).toMatch(/^start-at\s+waited 2\.50 s, began sending 3 ms after the time$/m);
    expect(text).not.toMatch(/^timeout-held/m);
    const held = summaryText({ ...sampleStats().finish(2000), windowHeldByTimeouts: 0.734 });
    expect(held).toMatch(
      /^timeout-held\s+73% of the window \(lost requests and answers waiting for --timeout-ms\)$/m,
    );
  });

  it('ensures the HTML page is self-contained with SVG charts of throughput and latency', () => {
    const s = sampleStats();
    const html = renderHtmlReport({
      title: 'run <1>',
      summary: s.finish(2000),
      series: s.series,
      details: { seed: '1' },
    });
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/(src|href)=/);
    expect(html).not.toMatch(/<script|<link|url\(|@import/);
    expect(html.match(/<svg /g)).toHaveLength(2);
    expect(html.match(/<polyline /g)).toHaveLength(4);
    expect(html).toContain('run &lt;1&gt;');
    expect(html).toContain('Throughput');
    expect(html).toContain('Response latency');
  });

  it('ensures chart axes end on a round number at or above the data', () => {
    expect([niceMax(0), niceMax(7), niceMax(10), niceMax(11), niceMax(2600), niceMax(0.3)]).toEqual([
      1, 10, 10, 20, 5000, 0.5,
    ]);
    const svg = lineChart('t', 'u', [{ label: 'a', color: '#000', values: [0, 50] }]);
    expect(svg).toContain('points="64.0,208.0 844.0,16.0"');
  });

  it('ensures progress rewrites one line on a TTY and prints a line every 5 s otherwise', () => {
    const p = (ms: number): ProgressPoint => ({
      elapsedMs: ms,
      sent: ms,
      accepted: ms,
      rate: 1000,
      outstanding: 3,
      p99Ms: 1.5,
    });
    const tty: string[] = [];
    const t = new ProgressPrinter({ write: (s: string) => tty.push(s), isTTY: true });
    t.update(p(1000));
    t.update(p(2000));
    t.done();
    expect(tty).toEqual([
      '\r\x1b[K1.0s sent 1000 accepted 1000 rate 1000/s outstanding 3 p99 1.5 ms',
      '\r\x1b[K2.0s sent 2000 accepted 2000 rate 1000/s outstanding 3 p99 1.5 ms',
      '\n',
    ]);
    const plain: string[] = [];
    const n = new ProgressPrinter({ write: (s: string) => plain.push(s), isTTY: false });
    for (let ms = 1000; ms <= 11_000; ms += 1000) n.update(p(ms));
    expect(plain.map((l) => l.split(' ')[0])).toEqual(['1.0s', '6.0s', '11.0s']);
  });
});
