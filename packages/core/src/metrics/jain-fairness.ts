import { ConfigError } from '../errors/config-error.js';

/**
 * Jain's fairness index of non-negative allocations (tasks served per agent, throughput per tenant):
 * `(Σx)² / (n · Σx²)`. It is 1 when every value is equal, 1/n when a single value is non-zero, and always
 * within `[1/n, 1]`; it does not depend on the unit (scaling every value changes nothing).
 *
 * Conventions for the degenerate cases: all values zero gives 1 (nobody got anything, equally), and an
 * empty list gives 1. A negative or non-finite value throws a {@link ConfigError} naming its index.
 *
 * @example
 * ```ts
 * jainFairness([5, 5, 5, 5]); // 1
 * jainFairness([8, 0, 0, 0]); // 0.25
 * jainFairness([3, 1]); // ≈ 0.8 (16 / 20)
 * ```
 */
export function jainFairness(values: ArrayLike<number>): number {
  const n = values.length;
  let largest = 0;
  for (let i = 0; i < n; i++) {
    const x = values[i] as number;
    if (!(x >= 0 && x < Number.POSITIVE_INFINITY)) {
      throw new ConfigError(`values[${i}]`, 'be a finite number ≥ 0', x);
    }
    if (x > largest) largest = x;
  }
  if (largest === 0) return 1;
  // Dividing by the largest value keeps Σx² finite for huge values and normal for tiny ones, and makes the
  // two landmark cases exact: equal values give exactly 1, a single non-zero value exactly 1/n.
  let sum = 0;
  let sumOfSquares = 0;
  for (let i = 0; i < n; i++) {
    const x = (values[i] as number) / largest;
    sum += x;
    sumOfSquares += x * x;
  }
  const index = (sum * sum) / (n * sumOfSquares);
  // Rounding can land an ulp outside the mathematical range; callers compare against its ends.
  return Math.min(1, Math.max(1 / n, index));
}
