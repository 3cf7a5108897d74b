import { describe, expect, it } from 'vitest';
import type { SimReport } from '../../src/kernel/report.js';
import { COMPARE_METRICS } from '../../src/compare/metrics.js';
import { summarizeGrid } from '../../src/compare/summarize.js';
import { formatComparison } from '../../src/compare/format-compare.js';

/** A report with the given mean latency and fairness and fixed values elsewhere. */
function report(latencyMean: number, fairness: number): SimReport {
  const latency = { mean: latencyMean, p50: 1, p90: 1, p99: 1, p999: 1, max: 1 };
  const wait = { mean: 0, p50: 0, p99: 0, probWait: 0 };
  return {
    seed: 0,
    strategy: 'x',
    simulatedTime: 10,
    wallMs: 1,
    tasks: { submitted: 5, completed: 5, failed: 0, deadLettered: 0, expired: 0, rejected: 0, cancelled: 0 },
    latency,
    wait,
    byPriority: {} as SimReport['byPriority'],
    throughput: 0.5,
    utilization: { mean: 0.5, perAgent: [0.5] },
    queueDepth: { mean: 0, max: 0 },
    fairness,
    attempts: { started: 10, retries: 0 },
    decisions: {},
    agents: { mean: 1, max: 1 },
    traceHash: '0',
  };
}

const metric = (summary: ReturnType<typeof summarizeGrid>, name: string) => {
  const found = summary.metrics.find((m) => m.name === name);
  if (found === undefined) throw new Error(`no metric ${name}`);
  return found;
};

describe('summarizing a grid', () => {
  const summary = summarizeGrid(
    'test.yaml',
    ['random', 'power-of-two', 'least-connections'],
    [1, 2, 3],
    [
      [report(3.0, 0.9), report(3.2, 0.9), report(2.8, 0.9)],
      [report(2.0, 0.95), report(2.1, 0.8), report(1.9, 0.9)],
      [report(2.2, 0.99), report(2.3, 0.97), report(2.1, 0.98)],
    ],
  );

  it('gives each strategy its interval over seeds', () => {
    const latency = metric(summary, 'latency.mean');
    expect(latency.byStrategy['random']?.mean).toBeCloseTo(3, 12);
    // stddev 0.2, t(0.975, 2) = 4.3027: half-width 4.3027 · 0.2 / √3.
    expect(latency.byStrategy['random']?.halfWidth).toBeCloseTo((4.3027 * 0.2) / Math.sqrt(3), 3);
  });

  it('marks the lowest latency and the highest fairness, and says whether the seeds separate them', () => {
    const latency = metric(summary, 'latency.mean');
    expect(latency.best).toBe('power-of-two');
    // power-of-two 2.0 ± 0.25 overlaps least-connections 2.2 ± 0.25.
    expect(latency.separated).toBe(false);
    const fairness = metric(summary, 'fairness');
    expect(fairness.direction).toBe('higher');
    expect(fairness.best).toBe('least-connections');
  });

  it('names no winner in a tie or for a metric that does not rank strategies', () => {
    expect(metric(summary, 'latency.p99').best).toBeUndefined();
    expect(metric(summary, 'utilization.mean').best).toBeUndefined();
    expect(metric(summary, 'tasks.submitted').direction).toBe('neutral');
  });

  it('separates intervals that do not overlap', () => {
    const wide = summarizeGrid(
      't.yaml',
      ['random', 'power-of-two'],
      [1, 2],
      [
        [report(5, 1), report(5.1, 1)],
        [report(1, 1), report(1.1, 1)],
      ],
    );
    expect(metric(wide, 'latency.mean')).toMatchObject({ best: 'power-of-two', separated: true });
    const text = formatComparison(wide, { title: 't', threads: 1, wallMs: 10 });
    expect(text).toContain('latency.mean');
    expect(text).toMatch(/1\.0\d* ± \S+ \*\*/);
  });

  it('covers every metric and refuses a grid of the wrong shape', () => {
    expect(summary.metrics.map((m) => m.name)).toEqual(COMPARE_METRICS.map((m) => m.name));
    expect(() => summarizeGrid('t', ['random'], [1, 2], [[report(1, 1)]])).toThrow('1 strategies × 2 seeds');
  });
});
