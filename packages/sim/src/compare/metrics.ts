import type { SimReport } from '../kernel/report.js';

/** Which way a metric improves; `neutral` metrics are shown but never ranked. */
export type MetricDirection = 'lower' | 'higher' | 'neutral';

/** One scalar of the report that `flotilla compare` summarizes across seeds. */
export interface CompareMetric {
  /** The report field's path, as in the JSON report (`latency.p99`). */
  readonly name: string;
  readonly direction: MetricDirection;
  /** Unit shown beside the name (`s`, `tasks/s`, or empty). */
  readonly unit: string;
  readonly read: (report: SimReport) => number;
}

const lower = (name: string, unit: string, read: (r: SimReport) => number): CompareMetric => ({
  name,
  direction: 'lower',
  unit,
  read,
});
const higher = (name: string, unit: string, read: (r: SimReport) => number): CompareMetric => ({
  name,
  direction: 'higher',
  unit,
  read,
});
const neutral = (name: string, unit: string, read: (r: SimReport) => number): CompareMetric => ({
  name,
  direction: 'neutral',
  unit,
  read,
});

/**
 * The report's scalar metrics, in the order `flotilla compare` prints them. Lower is better for latency,
 * waiting, queue depth and every outcome other than completion; higher is better for completions,
 * throughput and fairness. Submissions, utilization and simulated time follow from the load rather than
 * the strategy (utilization is offered load ÷ capacity whenever nothing is refused), so they are shown
 * but not ranked; neither is wall time, which measures the machine.
 *
 * @example
 * ```ts
 * COMPARE_METRICS.find((m) => m.name === 'fairness')?.direction; // 'higher'
 * ```
 */
export const COMPARE_METRICS: readonly CompareMetric[] = [
  lower('latency.mean', 's', (r) => r.latency.mean),
  lower('latency.p50', 's', (r) => r.latency.p50),
  lower('latency.p90', 's', (r) => r.latency.p90),
  lower('latency.p99', 's', (r) => r.latency.p99),
  lower('latency.p999', 's', (r) => r.latency.p999),
  lower('latency.max', 's', (r) => r.latency.max),
  lower('wait.mean', 's', (r) => r.wait.mean),
  lower('wait.p50', 's', (r) => r.wait.p50),
  lower('wait.p99', 's', (r) => r.wait.p99),
  lower('wait.probWait', '', (r) => r.wait.probWait),
  higher('throughput', 'tasks/s', (r) => r.throughput),
  higher('fairness', '', (r) => r.fairness),
  lower('queueDepth.mean', 'tasks', (r) => r.queueDepth.mean),
  lower('queueDepth.max', 'tasks', (r) => r.queueDepth.max),
  neutral('utilization.mean', '', (r) => r.utilization.mean),
  neutral('tasks.submitted', 'tasks', (r) => r.tasks.submitted),
  higher('tasks.completed', 'tasks', (r) => r.tasks.completed),
  lower('tasks.failed', 'tasks', (r) => r.tasks.failed),
  lower('tasks.deadLettered', 'tasks', (r) => r.tasks.deadLettered),
  lower('tasks.expired', 'tasks', (r) => r.tasks.expired),
  lower('tasks.rejected', 'tasks', (r) => r.tasks.rejected),
  lower('tasks.cancelled', 'tasks', (r) => r.tasks.cancelled),
  lower('attempts.retries', 'attempts', (r) => r.attempts.retries),
  neutral('agents.mean', 'agents', (r) => r.agents.mean),
  neutral('simulatedTime', 's', (r) => r.simulatedTime),
];
