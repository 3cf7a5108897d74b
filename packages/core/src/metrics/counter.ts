import { ConfigError } from '../errors/config-error.js';

/**
 * A monotonically increasing count (tasks submitted, retries, bytes sent). A plain number field: `inc`
 * allocates nothing and is safe on the per-task path.
 *
 * @example
 * ```ts
 * const retries = new Counter();
 * retries.inc();
 * retries.inc(2);
 * retries.value; // 3
 * ```
 */
export class Counter {
  private count = 0;

  /** The current count. */
  get value(): number {
    return this.count;
  }

  /** Adds `n` (a finite number ≥ 0, default 1); throws a {@link ConfigError} otherwise. */
  inc(n = 1): void {
    // A negative or NaN increment would silently break monotonicity, which rates computed from it assume.
    if (!(n >= 0 && n < Number.POSITIVE_INFINITY)) throw new ConfigError('n', 'be a finite number ≥ 0', n);
    this.count += n;
  }

  /** Sets the count back to 0. */
  reset(): void {
    this.count = 0;
  }

  /** The count, for reports. */
  toJSON(): number {
    return this.count;
  }
}
