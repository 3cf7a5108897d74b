import { ConfigError } from '../errors/config-error.js';
import { checkName } from '../errors/validate.js';

/**
 * A fixed set of named counts, e.g. one per task outcome, backed by one `Float64Array`. The names are
 * fixed at construction and typed, so a misspelled outcome is a compile error rather than a silent new
 * key; `incAt` with an index from `indexOf` skips even the name lookup on the hottest paths.
 *
 * @example
 * ```ts
 * const outcomes = new CounterSet(['completed', 'failed', 'expired'] as const);
 * outcomes.inc('completed');
 * outcomes.inc('failed', 2);
 * outcomes.get('failed'); // 2
 * outcomes.toJSON(); // { completed: 1, failed: 2, expired: 0 }
 * ```
 */
export class CounterSet<K extends string> {
  /** The counter names, in construction order. */
  readonly names: readonly K[];
  private readonly counts: Float64Array;
  private readonly indexByName: Map<string, number>;

  constructor(names: readonly K[]) {
    if (!Array.isArray(names) || names.length === 0) {
      throw new ConfigError('names', 'be a non-empty array of names', names);
    }
    this.indexByName = new Map();
    names.forEach((name, index) => {
      checkName(`names[${index}]`, name);
      if (this.indexByName.has(name)) throw new ConfigError(`names[${index}]`, 'be unique', name);
      this.indexByName.set(name, index);
    });
    this.names = [...names];
    this.counts = new Float64Array(names.length);
  }

  /** Position of `name` in {@link CounterSet.names}, for {@link CounterSet.incAt}. */
  indexOf(name: K): number {
    const index = this.indexByName.get(name);
    if (index === undefined) throw new ConfigError('name', `be one of ${this.names.join(' | ')}`, name);
    return index;
  }

  /** Adds `n` (finite, ≥ 0, default 1) to the count of `name`. */
  inc(name: K, n = 1): void {
    this.incAt(this.indexOf(name), n);
  }

  /** Adds `n` (finite, ≥ 0, default 1) to the count at `index` (from {@link CounterSet.indexOf}). */
  incAt(index: number, n = 1): void {
    if (!(n >= 0 && n < Number.POSITIVE_INFINITY)) throw new ConfigError('n', 'be a finite number ≥ 0', n);
    if (!((index | 0) === index && index >= 0 && index < this.counts.length)) {
      throw new ConfigError('index', `be an integer in [0, ${this.counts.length - 1}]`, index);
    }
    this.counts[index] = (this.counts[index] as number) + n;
  }

  /** The count of `name`. */
  get(name: K): number {
    return this.counts[this.indexOf(name)] as number;
  }

  /** Sum of all counts. */
  total(): number {
    let sum = 0;
    for (let i = 0; i < this.counts.length; i++) sum += this.counts[i] as number;
    return sum;
  }

  /** Sets every count back to 0. */
  reset(): void {
    this.counts.fill(0);
  }

  /** The counts keyed by name, in construction order. */
  toJSON(): Record<K, number> {
    const result = {} as Record<K, number>;
    this.names.forEach((name, index) => {
      result[name] = this.counts[index] as number;
    });
    return result;
  }
}
