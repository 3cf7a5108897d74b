import type { SimReport } from '../kernel/report.js';
import { confidenceInterval, type ConfidenceInterval } from './confidence.js';
import { COMPARE_METRICS, type MetricDirection } from './metrics.js';

/** One metric across strategies: each strategy's interval and the best one, if any. */
export interface MetricComparison {
  readonly name: string;
  readonly unit: string;
  readonly direction: MetricDirection;
  /** Interval per strategy, in the order the strategies were given. */
  readonly byStrategy: Readonly<Record<string, ConfidenceInterval>>;
  /**
   * The strategy with the best mean; `undefined` for a neutral metric, a single strategy, or when every
   * strategy has the same mean (a tie names no winner).
   */
  readonly best: string | undefined;
  /** Whether the best's interval is disjoint from every other strategy's: a difference the seeds support. */
  readonly separated: boolean;
}

/** What `flotilla compare` reports (and `--json` writes). Times in simulated seconds. */
export interface CompareSummary {
  readonly scenario: string;
  readonly strategies: readonly string[];
  readonly seeds: readonly number[];
  /** Confidence level of every interval, e.g. 0.95. */
  readonly level: number;
  readonly metrics: readonly MetricComparison[];
}

/**
 * Summarizes a strategy × seed grid: for each report metric, each strategy's mean over seeds with its
 * Student-t interval, and the best strategy in the metric's direction.
 *
 * @param reports - `reports[s][k]` is strategy `strategies[s]` on seed `seeds[k]`.
 * @throws RangeError when the grid's shape does not match `strategies` × `seeds`, or with fewer than two
 *   seeds.
 *
 * @example
 * ```ts
 * const summary = summarizeGrid('mmc.yaml', ['random', 'power-of-two'], [42, 43, 44], reports);
 * summary.metrics[0]; // { name: 'latency.mean', best: 'power-of-two', separated: true, … }
 * ```
 */
export function summarizeGrid(
  scenario: string,
  strategies: readonly string[],
  seeds: readonly number[],
  reports: readonly (readonly SimReport[])[],
  level = 0.95,
): CompareSummary {
  if (reports.length !== strategies.length || reports.some((row) => row.length !== seeds.length)) {
    throw new RangeError(
      `reports must be ${strategies.length} strategies × ${seeds.length} seeds, got ${reports.map((r) => r.length).join(', ')}`,
    );
  }
  const metrics = COMPARE_METRICS.map((metric): MetricComparison => {
    const intervals = strategies.map((_, s) =>
      confidenceInterval(
        (reports[s] ?? []).map((report) => metric.read(report)),
        level,
      ),
    );
    const best = metric.direction === 'neutral' ? -1 : bestIndex(intervals, metric.direction);
    return {
      name: metric.name,
      unit: metric.unit,
      direction: metric.direction,
      byStrategy: Object.fromEntries(strategies.map((name, s) => [name, intervals[s] as ConfidenceInterval])),
      best: best < 0 ? undefined : strategies[best],
      separated: best >= 0 && separatedFromOthers(intervals, best),
    };
  });
  return { scenario, strategies: [...strategies], seeds: [...seeds], level, metrics };
}

/** Index of the best mean in `direction`, or −1 when there is no contest (one entry, or all equal). */
function bestIndex(intervals: readonly ConfidenceInterval[], direction: 'lower' | 'higher'): number {
  if (intervals.length < 2) return -1;
  const means = intervals.map((ci) => ci.mean);
  if (means.every((mean) => mean === means[0])) return -1;
  let best = 0;
  means.forEach((mean, i) => {
    const current = means[best] as number;
    if (direction === 'lower' ? mean < current : mean > current) best = i;
  });
  return best;
}

function separatedFromOthers(intervals: readonly ConfidenceInterval[], best: number): boolean {
  const winner = intervals[best] as ConfidenceInterval;
  return intervals.every(
    (other, i) => i === best || other.upper < winner.lower || other.lower > winner.upper,
  );
}
