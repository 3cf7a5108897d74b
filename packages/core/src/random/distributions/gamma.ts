import { checkInteger, checkPositive } from '../../errors/validate.js';
import type { Rng } from '../rng.js';
import type { Distribution } from './distribution.js';
import { fieldPath } from './distribution.js';
import { standardNormal } from './normal.js';

/** Parameters of {@link gamma}. */
export interface GammaOptions {
  /** Shape k, > 0. Below 1 the density is infinite at 0; at 1 it is the exponential. */
  readonly shape: number;
  /** Scale θ, > 0: the mean is `shape · scale`. */
  readonly scale: number;
}

/** The distribution {@link gamma} returns. */
export interface GammaDistribution extends Distribution {
  readonly kind: 'gamma';
  readonly shape: number;
  readonly scale: number;
}

/** Parameters of {@link erlang}. */
export interface ErlangOptions {
  /** Number of exponential phases, an integer ≥ 1. */
  readonly k: number;
  /** Mean of the whole (the sum of the phases), > 0. */
  readonly mean: number;
}

/** The distribution {@link erlang} returns. */
export interface ErlangDistribution extends Distribution {
  readonly kind: 'erlang';
  readonly k: number;
}

/** Largest Erlang phase count; the sampler costs the same for any k, the limit only catches typos. */
const MAX_ERLANG_K = 1_000_000;

/**
 * Marsaglia and Tsang (2000), "A simple method for generating gamma variables": a Gamma(d + 1/3, 1)
 * variate for shape ≥ 1, with `d = shape − 1/3` and `c = 1 / sqrt(9d)`. Accepts about 96–99% of the time.
 */
function marsagliaTsang(rng: Rng, d: number, c: number): number {
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = standardNormal(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.next();
    const xSquared = x * x;
    if (u < 1 - 0.0331 * xSquared * xSquared) return d * v; // the cheap squeeze
    if (Math.log(u) < 0.5 * xSquared + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** A Gamma(shape, scale) sampler; `shape < 1` uses the boost Gamma(shape + 1) · U^(1 / shape). */
function gammaSampler(shape: number, scale: number): (rng: Rng) => number {
  if (shape >= 1) {
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    return (rng) => scale * marsagliaTsang(rng, d, c);
  }
  const d = shape + 1 - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  const inverseShape = 1 / shape;
  // U = 1 − u is in (0, 1], so the power is finite; it underflows to 0 for tiny shapes, which is the
  // distribution's own behaviour (nearly all its mass sits just above 0).
  return (rng) => scale * marsagliaTsang(rng, d, c) * Math.exp(Math.log1p(-rng.next()) * inverseShape);
}

/**
 * The gamma distribution with shape k and scale θ (mean kθ, variance kθ²), sampled by Marsaglia–Tsang.
 * A flexible service-time model: `shape < 1` is burstier than exponential, `shape > 1` more regular.
 * Samples are ≥ 0.
 *
 * @param field - where the options sit in a config, prefixed to parameter names in errors.
 * @throws {@link ConfigError} unless `shape` and `scale` are finite numbers > 0.
 *
 * @example
 * ```ts
 * const service = gamma({ shape: 0.5, scale: 200 }); // mean 100 ms, cv ≈ 1.41
 * const serviceMs = service.sample(rng);
 * ```
 */
export function gamma(options: GammaOptions, field = ''): GammaDistribution {
  const shape = checkPositive(fieldPath(field, 'shape'), options.shape);
  const scale = checkPositive(fieldPath(field, 'scale'), options.scale);
  return { kind: 'gamma', mean: shape * scale, shape, scale, sample: gammaSampler(shape, scale) };
}

/**
 * The Erlang distribution: the sum of `k` independent exponential phases, each of mean `mean / k`
 * (a gamma with integer shape; cv = 1/√k). Round-robin dispatch over k agents gives each agent an
 * Erlang-k arrival stream. Samples are ≥ 0.
 *
 * @param field - where the options sit in a config, prefixed to parameter names in errors.
 * @throws {@link ConfigError} unless `k` is an integer in `[1, 1e6]` and `mean` a finite number > 0.
 *
 * @example
 * ```ts
 * const service = erlang({ k: 4, mean: 100 }); // cv = 0.5
 * const serviceMs = service.sample(rng);
 * ```
 */
export function erlang(options: ErlangOptions, field = ''): ErlangDistribution {
  const k = checkInteger(fieldPath(field, 'k'), options.k, 1, MAX_ERLANG_K);
  const mean = checkPositive(fieldPath(field, 'mean'), options.mean);
  return { kind: 'erlang', mean, k, sample: gammaSampler(k, mean / k) };
}
