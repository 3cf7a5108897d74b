import { checkPositive } from '../../errors/validate.js';
import type { Rng } from '../rng.js';
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
  return new Exponential(checkPositive(fieldPath(field, 'mean'), options.mean));
}

/**
 * A class, not a literal with a closure: every exponential's `sample` is then one prototype method, so
 * a call site that samples one run's distribution stays monomorphic for the next run's, where a closure
 * per instance was a new call target and deoptimized the simulator's service draw in its second run.
 */
class Exponential implements ExponentialDistribution {
  readonly kind = 'exponential';

  constructor(readonly mean: number) {}

  sample(rng: Rng): number {
    return this.mean * standardExponential(rng);
  }
}
