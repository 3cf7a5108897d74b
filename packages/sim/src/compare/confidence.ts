import { studentCriticalValue } from './student-t.js';

/** A mean with its confidence interval, over independent replications. */
export interface ConfidenceInterval {
  /** Replications averaged. */
  readonly n: number;
  readonly mean: number;
  /** Sample standard deviation (n − 1 in the denominator). */
  readonly stddev: number;
  /** Half the interval's width: t(level, n − 1) · stddev / √n. */
  readonly halfWidth: number;
  readonly lower: number;
  readonly upper: number;
  /** Confidence level, e.g. 0.95. */
  readonly level: number;
}

/**
 * The mean of independent replications (one value per seed) and its Student-t confidence interval. The
 * replications are independent and each is itself an average over many tasks, so their means are close
 * to normal and the t interval is the textbook choice; tasks within one run are correlated, which is why
 * the interval is built across seeds, never across tasks.
 *
 * @throws RangeError with fewer than two values (one replication says nothing about its own spread), a
 *   value that is not finite, or a level outside (0, 1).
 *
 * @example
 * ```ts
 * const ci = confidenceInterval([2.1, 1.9, 2.0, 2.2, 1.8]);
 * ci.mean; // 2
 * ci.halfWidth; // 2.776 · 0.158 / √5 ≈ 0.196
 * ```
 */
export function confidenceInterval(values: readonly number[], level = 0.95): ConfidenceInterval {
  const n = values.length;
  if (n < 2) throw new RangeError(`a confidence interval needs at least 2 values, got ${n}`);
  values.forEach((value, i) => {
    if (!Number.isFinite(value)) throw new RangeError(`values[${i}] must be finite, got ${value}`);
  });
  const mean = values.reduce((sum, value) => sum + value, 0) / n;
  const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (n - 1);
  const stddev = Math.sqrt(variance);
  const halfWidth = (studentCriticalValue(level, n - 1) * stddev) / Math.sqrt(n);
  return { n, mean, stddev, halfWidth, lower: mean - halfWidth, upper: mean + halfWidth, level };
}
