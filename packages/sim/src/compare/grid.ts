import { MAX_SEED, type StrategyName } from '@flotilla/core';

/** One cell of the strategy × seed grid. */
export interface GridJob {
  /** Position in the grid, strategy-major: `strategyIndex · seeds + seedIndex`. */
  readonly index: number;
  readonly strategy: StrategyName;
  readonly seed: number;
}

/**
 * The seeds of a comparison: `count` consecutive seeds from `baseSeed` (the scenario's own seed, so
 * `--seeds 1` reproduces `flotilla sim`). Consecutive seeds are independent replications because every
 * random stream is forked from the seed through a hash, not offset from it.
 *
 * @throws RangeError naming the value when the last seed would pass core's `MAX_SEED`.
 *
 * @example
 * ```ts
 * gridSeeds(42, 3); // [42, 43, 44]
 * ```
 */
export function gridSeeds(baseSeed: number, count: number): number[] {
  if (!Number.isSafeInteger(count) || count < 1) throw new RangeError(`seeds must be ≥ 1, got ${count}`);
  if (count - 1 > MAX_SEED - baseSeed) {
    throw new RangeError(`seed ${baseSeed} + ${count} seeds passes the largest seed ${MAX_SEED}`);
  }
  return Array.from({ length: count }, (_, i) => baseSeed + i);
}

/**
 * Every (strategy, seed) pair, strategy-major, each with its index in the grid.
 *
 * @example
 * ```ts
 * gridJobs(['random', 'power-of-two'], [1, 2]).map((j) => `${j.strategy}@${j.seed}`);
 * // ['random@1', 'random@2', 'power-of-two@1', 'power-of-two@2']
 * ```
 */
export function gridJobs(strategies: readonly StrategyName[], seeds: readonly number[]): GridJob[] {
  return strategies.flatMap((strategy, s) =>
    seeds.map((seed, k) => ({ index: s * seeds.length + k, strategy, seed })),
  );
}
