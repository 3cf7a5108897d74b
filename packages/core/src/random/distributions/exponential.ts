import { checkPositive } from '../../errors/validate.js';
import type { Distribution } from './distribution.js';
import { fieldPath } from './distribution.js';
import { standardExponential } from './exponential-ziggurat.js';

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
 * models. Drawn by a ziggurat ({@link standardExponential}): one 32-bit word per draw, almost always.
 * Samples are in `[0, ~44.4 · mean]`.
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
    sample: (rng) => mean * standardExponential(rng),
  };
}
