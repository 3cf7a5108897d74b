import type { Rng } from '@flotilla/core';

/**
 * Picks one of `values` with probability proportional to its weight, one uniform draw per pick. Binary
 * search over cumulative weights: O(log n) per pick, and the tables here (four priorities, a handful of
 * tenants) are small enough that an alias table would not pay for itself.
 *
 * @example
 * ```ts
 * const tier = new WeightedChoice(['free', 'pro'], [9, 1]);
 * tier.pick(rng); // 'free' nine times in ten
 * ```
 */
export class WeightedChoice<T> {
  private readonly values: readonly T[];
  private readonly cumulative: Float64Array;
  private readonly total: number;
  /** Index of the last value with a positive weight: where a pick lands if rounding puts u at the total. */
  private readonly last: number;

  /** `weights` are finite, ≥ 0, with a positive total, one per value (checked by the caller). */
  constructor(values: readonly T[], weights: readonly number[]) {
    this.values = values;
    this.cumulative = new Float64Array(weights.length);
    let total = 0;
    let last = 0;
    weights.forEach((weight, i) => {
      total += weight;
      this.cumulative[i] = total;
      if (weight > 0) last = i;
    });
    this.total = total;
    this.last = last;
  }

  pick(rng: Rng): T {
    const u = rng.next() * this.total;
    // First index whose cumulative weight exceeds u: zero-weight values own an empty interval and are
    // never picked.
    let low = 0;
    let high = this.last;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.cumulative[mid] as number) > u) high = mid;
      else low = mid + 1;
    }
    return this.values[low] as T;
  }
}
