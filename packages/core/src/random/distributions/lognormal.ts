import { checkNumber, checkPositive } from '../../errors/validate.js';
import type { Distribution } from './distribution.js';
import { fieldPath, MAX_CV } from './distribution.js';
import { standardNormal } from './normal.js';

/** Parameters of {@link lognormal}: the moments of the lognormal itself, not of its logarithm. */
export interface LognormalOptions {
  /** Mean, > 0. */
  readonly mean: number;
  /** Coefficient of variation (stddev / mean), in `[0, 1e6]`. */
  readonly cv: number;
}

/** The distribution {@link lognormal} returns. */
export interface LognormalDistribution extends Distribution {
  readonly kind: 'lognormal';
  readonly cv: number;
  /** Mean of the underlying normal, `ln(mean) − sigma² / 2`. */
  readonly mu: number;
  /** Standard deviation of the underlying normal, `sqrt(ln(1 + cv²))`. */
  readonly sigma: number;
}

/**
 * The lognormal distribution, parameterised by its own mean and coefficient of variation, which is what
 * a latency measurement reports: `sigma² = ln(1 + cv²)`, `mu = ln(mean) − sigma² / 2`. Samples are > 0
 * (or 0 where `exp` underflows).
 *
 * @param field - where the options sit in a config, prefixed to parameter names in errors.
 * @throws {@link ConfigError} unless `mean` > 0 and `0 ≤ cv ≤ 1e6`.
 *
 * @example
 * ```ts
 * const service = lognormal({ mean: 800, cv: 1.5 }); // LLM call times: mean 800 ms, long right tail
 * const serviceMs = service.sample(rng);
 * ```
 */
export function lognormal(options: LognormalOptions, field = ''): LognormalDistribution {
  const mean = checkPositive(fieldPath(field, 'mean'), options.mean);
  const cv = checkNumber(fieldPath(field, 'cv'), options.cv, { min: 0, max: MAX_CV });
  const sigmaSquared = Math.log1p(cv * cv);
  const mu = Math.log(mean) - sigmaSquared / 2;
  const sigma = Math.sqrt(sigmaSquared);
  return {
    kind: 'lognormal',
    mean,
    cv,
    mu,
    sigma,
    sample: (rng) => Math.exp(mu + sigma * standardNormal(rng)),
  };
}
