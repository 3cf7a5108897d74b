import { checkNumber } from '../../errors/validate.js';
import type { Rng } from '../rng.js';
import type { Distribution } from './distribution.js';
import { fieldPath } from './distribution.js';

/** Parameters of {@link normal}. */
export interface NormalOptions {
  /** Mean, any finite number. */
  readonly mean: number;
  /** Standard deviation, ≥ 0. */
  readonly stddev: number;
}

/** The distribution {@link normal} returns. */
export interface NormalDistribution extends Distribution {
  readonly kind: 'normal';
  readonly stddev: number;
}

const TWO_PI = 2 * Math.PI;

/**
 * A standard normal variate by the Box–Muller transform, from two uniforms. Box–Muller yields a pair; the
 * second value is dropped rather than cached, because a cached value would belong to whichever stream
 * drew it and leak into the next call with another `Rng`.
 *
 * @example
 * ```ts
 * const z = standardNormal(rng); // mean 0, standard deviation 1
 * ```
 */
export function standardNormal(rng: Rng): number {
  const radius = Math.sqrt(-2 * Math.log1p(-rng.next())); // 1 − u in (0, 1]: finite, at most ≈ 8.57
  return radius * Math.cos(TWO_PI * rng.next());
}

/**
 * The normal (Gaussian) distribution. Samples are unbounded on both sides, so they **can be negative**
 * whatever the mean: for durations, prefer {@link lognormal} or {@link gamma}, or clamp at the call site.
 * The tails are cut at ≈ 8.57 standard deviations, the most 53 random bits can express.
 *
 * @param field - where the options sit in a config, prefixed to parameter names in errors.
 * @throws {@link ConfigError} unless `mean` is finite and `stddev` is finite and ≥ 0.
 *
 * @example
 * ```ts
 * const latency = normal({ mean: 40, stddev: 5 });
 * const latencyMs = Math.max(0, latency.sample(rng));
 * ```
 */
export function normal(options: NormalOptions, field = ''): NormalDistribution {
  const mean = checkNumber(fieldPath(field, 'mean'), options.mean);
  const stddev = checkNumber(fieldPath(field, 'stddev'), options.stddev, { min: 0 });
  return { kind: 'normal', mean, stddev, sample: (rng) => mean + stddev * standardNormal(rng) };
}
