import { checkPositive } from '../../errors/validate.js';
import type { Distribution } from './distribution.js';
import { fieldPath } from './distribution.js';

/** Parameters of {@link exponential}. */
export interface ExponentialOptions {
  /** Mean, > 0 (the rate is `1 / mean`). */
  readonly mean: number;
}

/** The distribution {@link exponential} returns. */
export interface ExponentialDistribution extends Distribution {
  readonly kind: 'exponential';
}

/**
 * The exponential distribution: memoryless gaps between Poisson arrivals, the service time of M/M/c
 * models. Samples are in `[0, ~36.7 · mean]` (the largest value 53 random bits can produce).
 *
 * @param field - where the options sit in a config, prefixed to parameter names in errors (`service.mean`).
 * @throws {@link ConfigError} unless `mean` is a finite number > 0.
 *
 * @example
 * ```ts
 * const gaps = exponential({ mean: 50 }); // Poisson arrivals at 20 per second, in ms
 * const gapMs = gaps.sample(rng);
 * ```
 */
export function exponential(options: ExponentialOptions, field = ''): ExponentialDistribution {
  const mean = checkPositive(fieldPath(field, 'mean'), options.mean);
  return {
    kind: 'exponential',
    mean,
    // Inverse transform −mean · ln(1 − u) with u in [0, 1): never ln(0). log1p(−u) is the same value,
    // accurate for small u, and gives +0 rather than −0 for u = 0.
    sample: (rng) => -mean * Math.log1p(-rng.next()),
  };
}
