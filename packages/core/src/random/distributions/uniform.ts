import { ConfigError } from '../../errors/config-error.js';
import { checkNumber } from '../../errors/validate.js';
import type { Distribution } from './distribution.js';
import { fieldPath } from './distribution.js';

/** Parameters of {@link uniform}. */
export interface UniformOptions {
  /** Lower bound, inclusive. */
  readonly min: number;
  /** Upper bound, exclusive; ≥ `min`. */
  readonly max: number;
}

/** The distribution {@link uniform} returns. */
export interface UniformDistribution extends Distribution {
  readonly kind: 'uniform';
  readonly min: number;
  readonly max: number;
}

/**
 * The continuous uniform distribution on `[min, max)`; `min === max` is allowed and always gives `min`.
 *
 * @param field - where the options sit in a config, prefixed to parameter names in errors.
 * @throws {@link ConfigError} unless `min` and `max` are finite, `min ≤ max` and `max − min` is finite.
 *
 * @example
 * ```ts
 * const jitter = uniform({ min: 0, max: 10 });
 * const jitterMs = jitter.sample(rng); // 0 ≤ jitterMs < 10
 * ```
 */
export function uniform(options: UniformOptions, field = ''): UniformDistribution {
  const min = checkNumber(fieldPath(field, 'min'), options.min);
  const maxField = fieldPath(field, 'max');
  const max = checkNumber(maxField, options.max);
  if (max < min) throw new ConfigError(maxField, `be ≥ min (${min})`, max);
  const width = max - min;
  if (!Number.isFinite(width))
    throw new ConfigError(maxField, `be within ${Number.MAX_VALUE} of min (${min})`, max);
  return {
    kind: 'uniform',
    mean: min + width / 2,
    min,
    max,
    // Rounding can land min + width · u on max itself when u is within 2^-53 of 1: fold that back to min
    // so the support stays [min, max) (and min === max still yields min).
    sample: (rng) => {
      const value = min + width * rng.next();
      return value < max ? value : min;
    },
  };
}
