import { ConfigError } from '../../errors/config-error.js';
import { checkPositive } from '../../errors/validate.js';
import type { Distribution } from './distribution.js';
import { fieldPath } from './distribution.js';

/** Parameters of {@link pareto}. */
export interface ParetoOptions {
  /** Tail index α, > 0: the mean is finite only for α > 1, the variance only for α > 2. */
  readonly alpha: number;
  /** Scale x_m, > 0: the smallest value. */
  readonly scale: number;
}

/** The distribution {@link pareto} returns. */
export interface ParetoDistribution extends Distribution {
  readonly kind: 'pareto';
  readonly alpha: number;
  readonly scale: number;
}

/** Parameters of {@link boundedPareto}. */
export interface BoundedParetoOptions {
  /** Tail index α, > 0. */
  readonly alpha: number;
  /** Smallest value, > 0. */
  readonly min: number;
  /** Largest value, finite and > `min`. */
  readonly max: number;
}

/** The distribution {@link boundedPareto} returns. */
export interface BoundedParetoDistribution extends Distribution {
  readonly kind: 'bounded-pareto';
  readonly alpha: number;
  readonly min: number;
  readonly max: number;
}

/**
 * The Pareto (type I) distribution: `P(X > x) = (scale / x)^alpha` for `x ≥ scale`. The mean is
 * `alpha · scale / (alpha − 1)` for `alpha > 1`, else `Infinity`. Sampled by inverse transform; the rare
 * values beyond `Number.MAX_VALUE` (tiny `alpha`) are clamped to it so that samples stay finite.
 *
 * @param field - where the options sit in a config, prefixed to parameter names in errors.
 * @throws {@link ConfigError} unless `alpha` and `scale` are finite numbers > 0.
 *
 * @example
 * ```ts
 * const size = pareto({ alpha: 1.5, scale: 1000 }); // heavy-tailed prompt sizes, mean 3000 tokens
 * const tokens = size.sample(rng);
 * ```
 */
export function pareto(options: ParetoOptions, field = ''): ParetoDistribution {
  const alpha = checkPositive(fieldPath(field, 'alpha'), options.alpha);
  const scale = checkPositive(fieldPath(field, 'scale'), options.scale);
  const inverseAlpha = 1 / alpha;
  return {
    kind: 'pareto',
    mean: alpha > 1 ? (alpha * scale) / (alpha - 1) : Number.POSITIVE_INFINITY,
    alpha,
    scale,
    // x = scale · (1 − u)^(−1/alpha), with 1 − u in (0, 1]; u = 0 gives exactly scale.
    sample: (rng) => Math.min(scale * Math.exp(-Math.log1p(-rng.next()) * inverseAlpha), Number.MAX_VALUE),
  };
}

/**
 * The bounded (truncated) Pareto distribution on `[min, max]`: a Pareto tail with every moment finite, the
 * usual model of job sizes in size-based scheduling studies (Harchol-Balter). Sampled by inverse transform.
 * With `r = min / max`, the mean is `alpha · min / (alpha − 1) · (1 − r^(alpha−1)) / (1 − r^alpha)`, and
 * `min · max · ln(max / min) / (max − min)` for `alpha = 1`.
 *
 * @param field - where the options sit in a config, prefixed to parameter names in errors.
 * @throws {@link ConfigError} unless `alpha` and `min` are finite numbers > 0 and `max` is finite and > `min`.
 *
 * @example
 * ```ts
 * const work = boundedPareto({ alpha: 1.1, min: 10, max: 100_000 }); // ms of work per task
 * const workMs = work.sample(rng); // 10 ≤ workMs ≤ 100000
 * ```
 */
export function boundedPareto(options: BoundedParetoOptions, field = ''): BoundedParetoDistribution {
  const alpha = checkPositive(fieldPath(field, 'alpha'), options.alpha);
  const min = checkPositive(fieldPath(field, 'min'), options.min);
  const maxField = fieldPath(field, 'max');
  const max = checkPositive(maxField, options.max);
  if (!(max > min)) throw new ConfigError(maxField, `be > min (${min})`, max);
  const logRatio = Math.log(min / max); // ln r < 0
  // 1 − r^alpha through expm1: exact even when alpha · ln r is tiny.
  const massBelowMax = -Math.expm1(alpha * logRatio);
  const mean =
    alpha === 1
      ? ((min * max) / (max - min)) * Math.log(max / min)
      : ((alpha * min) / (alpha - 1)) * (-Math.expm1((alpha - 1) * logRatio) / massBelowMax);
  const inverseAlpha = 1 / alpha;
  return {
    kind: 'bounded-pareto',
    mean,
    alpha,
    min,
    max,
    // F⁻¹(u) = min · (1 − u · (1 − r^alpha))^(−1/alpha), in [min, max) up to rounding, which the clamp absorbs.
    sample: (rng) => Math.min(min * Math.exp(-Math.log1p(-rng.next() * massBelowMax) * inverseAlpha), max),
  };
}
