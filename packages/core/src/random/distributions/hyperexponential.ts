import { ConfigError } from '../../errors/config-error.js';
import { checkNumber, checkPositive } from '../../errors/validate.js';
import type { Distribution } from './distribution.js';
import { fieldPath, MAX_CV } from './distribution.js';
import { standardExponential } from './exponential-ziggurat.js';

/** One exponential branch of a {@link hyperexponential}. */
export interface HyperexponentialBranch {
  /** Probability of taking this branch, in `[0, 1]`. */
  readonly probability: number;
  /** Mean of this branch's exponential, > 0. */
  readonly mean: number;
}

/** Parameters of {@link hyperexponential}. */
export interface HyperexponentialOptions {
  /** At least one branch; the probabilities sum to 1 within 1e-9. */
  readonly branches: readonly HyperexponentialBranch[];
}

/** Parameters of {@link hyperexponentialFromCv}. */
export interface HyperexponentialFromCvOptions {
  /** Mean, > 0. */
  readonly mean: number;
  /** Coefficient of variation, in `[1, 1e6]`. */
  readonly cv: number;
}

/** The distribution {@link hyperexponential} and {@link hyperexponentialFromCv} return. */
export interface HyperexponentialDistribution extends Distribution {
  readonly kind: 'hyperexponential';
  readonly branches: readonly HyperexponentialBranch[];
  /** Coefficient of variation, `sqrt(Σ 2 pᵢ meanᵢ² / mean² − 1)`; ≥ 1. */
  readonly cv: number;
}

/** How far the branch probabilities may sum from 1 (what a hand-written 0.3 / 0.7 split leaves). */
const PROBABILITY_TOLERANCE = 1e-9;

/**
 * A mixture of exponentials: with probability pᵢ the value is exponential with mean meanᵢ. Models a
 * workload of distinct task classes (cache hits and misses, short and long prompts); its cv is ≥ 1.
 * Each sample draws a uniform to pick the branch, then an exponential of its mean (a ziggurat draw).
 *
 * @param field - where the options sit in a config, prefixed to parameter names in errors
 *   (`service.branches[1].mean`).
 * @throws {@link ConfigError} unless `branches` is a non-empty array of `{ probability, mean }` with
 *   probabilities in `[0, 1]` summing to 1 within 1e-9 and means finite and > 0.
 *
 * @example
 * ```ts
 * const service = hyperexponential({
 *   branches: [
 *     { probability: 0.9, mean: 20 }, // cache hits
 *     { probability: 0.1, mean: 500 }, // misses
 *   ],
 * });
 * service.mean; // 68
 * ```
 */
export function hyperexponential(options: HyperexponentialOptions, field = ''): HyperexponentialDistribution {
  const branchesField = fieldPath(field, 'branches');
  const branches: unknown = options.branches;
  if (!Array.isArray(branches) || branches.length === 0) {
    throw new ConfigError(branchesField, 'be a non-empty array of { probability, mean }', branches);
  }
  const checked: HyperexponentialBranch[] = [];
  let total = 0;
  for (let i = 0; i < branches.length; i++) {
    const branchField = `${branchesField}[${i}]`;
    const branch: unknown = branches[i];
    if (typeof branch !== 'object' || branch === null) {
      throw new ConfigError(branchField, 'be an object { probability, mean }', branch);
    }
    const { probability, mean } = branch as Partial<HyperexponentialBranch>;
    checked.push({
      probability: checkNumber(`${branchField}.probability`, probability, { min: 0, max: 1 }),
      mean: checkPositive(`${branchField}.mean`, mean),
    });
    total += (checked[i] as HyperexponentialBranch).probability;
  }
  if (!(Math.abs(total - 1) <= PROBABILITY_TOLERANCE)) {
    throw new ConfigError(
      branchesField,
      `have probabilities summing to 1 ± ${PROBABILITY_TOLERANCE} (they sum to ${total})`,
      checked.map((branch) => branch.probability),
    );
  }
  return build(checked);
}

/**
 * The two-branch hyperexponential with a given mean and coefficient of variation (≥ 1), by the
 * balanced-means fit (both branches contribute half the mean): `p₁ = (1 + sqrt((cv² − 1) / (cv² + 1))) / 2`,
 * `p₂ = 1 − p₁`, `meanᵢ = mean / (2 pᵢ)`. The standard way to give a queueing model a measured mean and
 * cv above 1; `cv = 1` is the exponential.
 *
 * @param field - where the options sit in a config, prefixed to parameter names in errors.
 * @throws {@link ConfigError} unless `mean` is a finite number > 0 and `1 ≤ cv ≤ 1e6`.
 *
 * @example
 * ```ts
 * const service = hyperexponentialFromCv({ mean: 100, cv: 3 });
 * service.branches; // [{ probability: ≈0.947, mean: ≈52.8 }, { probability: ≈0.053, mean: ≈947 }]
 * ```
 */
export function hyperexponentialFromCv(
  options: HyperexponentialFromCvOptions,
  field = '',
): HyperexponentialDistribution {
  const mean = checkPositive(fieldPath(field, 'mean'), options.mean);
  const cv = checkNumber(fieldPath(field, 'cv'), options.cv, { min: 1, max: MAX_CV });
  const cvSquared = cv * cv;
  const root = Math.sqrt((cvSquared - 1) / (cvSquared + 1));
  // p₂ = (1 − root) / 2 rewritten without the cancellation that would ruin it for large cv.
  const p2 = 1 / ((cvSquared + 1) * (1 + root));
  const p1 = 1 - p2;
  return build([
    { probability: p1, mean: mean / (2 * p1) },
    { probability: p2, mean: mean / (2 * p2) },
  ]);
}

function build(branches: readonly HyperexponentialBranch[]): HyperexponentialDistribution {
  const count = branches.length;
  const cumulative = new Float64Array(count);
  const means = new Float64Array(count);
  let mean = 0;
  let secondMoment = 0;
  let sum = 0;
  for (let i = 0; i < count; i++) {
    const branch = branches[i] as HyperexponentialBranch;
    sum += branch.probability;
    cumulative[i] = sum;
    means[i] = branch.mean;
    mean += branch.probability * branch.mean;
    secondMoment += 2 * branch.probability * branch.mean * branch.mean;
  }
  const last = count - 1;
  return {
    kind: 'hyperexponential',
    mean,
    branches: Object.freeze(branches.map((branch) => Object.freeze({ ...branch }))),
    cv: Math.sqrt(Math.max(0, secondMoment / (mean * mean) - 1)),
    sample: (rng) => {
      const u = rng.next();
      // The last branch takes whatever the (up to 1e-9 short) cumulative sum leaves.
      let i = 0;
      while (i < last && u >= (cumulative[i] as number)) i++;
      return (means[i] as number) * standardExponential(rng);
    },
  };
}
