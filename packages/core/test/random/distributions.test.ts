import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isConfigError } from '../../src/errors/config-error.js';
import {
  boundedPareto,
  deterministic,
  empirical,
  erlang,
  exponential,
  gamma,
  hyperexponential,
  hyperexponentialFromCv,
  lognormal,
  normal,
  pareto,
  uniform,
} from '../../src/random/distributions.js';
import type { Distribution } from '../../src/random/distributions.js';
import { createRng } from '../../src/random/rng.js';

/**
 * Statistical properties, each built to fail with probability far below 1e-6 per run of this file when the
 * code is right, and almost surely when a formula or sampler is wrong:
 * - the sample mean of N draws lies within Z standard errors of the theoretical mean (σ from the
 *   theoretical variance; parameter ranges keep the tails light enough for the normal approximation),
 *   or within a Bernstein bound for bounded distributions of any skew;
 * - the Kolmogorov–Smirnov distance to the theoretical CDF is below the DKW–Massart bound
 *   sqrt(ln(2/δ) / 2N), which holds for every distribution and every N.
 */
const RUNS = 25;
const N = 4000;
const Z = 6;
const DELTA = 1e-9;
const KS_BOUND = Math.sqrt(Math.log(2 / DELTA) / (2 * N));

const seedArb = fc.nat();
/** 10^e for e uniform in [low, high]: positive parameters across orders of magnitude. */
const logUniform = (low: number, high: number): fc.Arbitrary<number> =>
  fc.double({ min: low, max: high, noNaN: true }).map((exponent) => 10 ** exponent);
const between = (min: number, max: number): fc.Arbitrary<number> => fc.double({ min, max, noNaN: true });

function draw(dist: Distribution, seed: number, count = N): Float64Array {
  const rng = createRng(seed).fork('test');
  const values = new Float64Array(count);
  for (let i = 0; i < count; i++) values[i] = dist.sample(rng);
  return values;
}

function average(values: Float64Array): number {
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

function expectMeanWithin(values: Float64Array, mean: number, halfWidth: number): void {
  const sampleMean = average(values);
  // Rounding; the absolute floor is for subnormal values, whose sums round in absolute steps.
  const roundingSlack = 1e-9 * Math.max(Math.abs(mean), Math.abs(sampleMean)) + 1e-300;
  if (!(Math.abs(sampleMean - mean) <= halfWidth + roundingSlack)) {
    expect.fail(`sample mean ${sampleMean} is not within ${halfWidth} of ${mean}`);
  }
}

/** Sample mean within Z · σ / √N of the mean. */
function expectMeanNear(values: Float64Array, mean: number, stddev: number): void {
  expectMeanWithin(values, mean, (Z * stddev) / Math.sqrt(values.length));
}

/**
 * Sample mean within the two-sided Bernstein bound (confidence 1 − δ) for values in a range of `width`,
 * computed in units of `width` so that tiny values do not underflow it.
 */
function expectMeanNearBounded(values: Float64Array, mean: number, stddev: number, width: number): void {
  const n = values.length;
  const log = Math.log(2 / DELTA);
  const linear = (2 * log) / 3;
  const relativeStddev = width === 0 ? 0 : stddev / width;
  const root = Math.sqrt(linear * linear + 8 * n * log * relativeStddev * relativeStddev);
  expectMeanWithin(values, mean, (width * (linear + root)) / (2 * n));
}

/**
 * KS distance to `cdf`, evaluated at each distinct value v both at v and just below it, which covers
 * discrete distributions too; `cdfBelow(v)` is P(X < v) and defaults to `cdf` for continuous ones.
 */
function expectFitsCdf(
  values: Float64Array,
  cdf: (x: number) => number,
  cdfBelow: (x: number) => number = cdf,
): void {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  let distance = 0;
  for (let first = 0; first < n;) {
    const value = sorted[first]!;
    let end = first + 1;
    while (end < n && sorted[end] === value) end++;
    distance = Math.max(distance, Math.abs(end / n - cdf(value)), Math.abs(first / n - cdfBelow(value)));
    first = end;
  }
  if (!(distance <= KS_BOUND)) expect.fail(`KS distance ${distance} exceeds ${KS_BOUND}`);
}

function expectInRange(values: Float64Array, min: number, max: number, maxInclusive: boolean): void {
  for (const value of values) {
    if (!(value >= min && (maxInclusive ? value <= max : value < max))) {
      expect.fail(`sample ${value} outside [${min}, ${max}${maxInclusive ? ']' : ')'}`);
    }
  }
}

function expectRelativelyClose(actual: number, expected: number, tolerance = 1e-9): void {
  if (!(Math.abs(actual - expected) <= tolerance * Math.abs(expected))) {
    expect.fail(`${actual} is not within ${tolerance} (relative) of ${expected}`);
  }
}

/** Abramowitz & Stegun 7.1.26, |error| < 1.5e-7: far below the KS bound. */
function erf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const value = 1 - poly * Math.exp(-x * x);
  return x < 0 ? -value : value;
}

const normalCdf = (z: number): number => (1 + erf(z / Math.SQRT2)) / 2;

/** Regularized lower incomplete gamma P(shape, y) for half-integer shape: P(a + 1) = P(a) − yᵃe⁻ʸ / Γ(a + 1). */
function halfIntegerGammaCdf(shape: number, y: number): number {
  let p = erf(Math.sqrt(y));
  let gammaOfNext = Math.sqrt(Math.PI) / 2; // Γ(1.5)
  for (let a = 0.5; a < shape;) {
    p -= (y ** a * Math.exp(-y)) / gammaOfNext;
    a += 1;
    gammaOfNext *= a;
  }
  return p;
}

/** Erlang CDF: 1 − e⁻ʸ Σ_{n<k} yⁿ / n!, with y = x / phase mean. */
function erlangCdf(k: number, y: number): number {
  let term = Math.exp(-y);
  let sum = 0;
  for (let n = 0; n < k; n++) {
    sum += term;
    term *= y / (n + 1);
  }
  return 1 - sum;
}

/** E[Xᵏ] of a bounded Pareto, from ∫ xᵏ α Lᵅ x^(−α−1) dx / (1 − (L/H)ᵅ) written with H/L powers. */
function boundedParetoMoment(power: number, alpha: number, min: number, max: number): number {
  const logSpan = Math.log(max / min);
  const t = power - alpha;
  const integral = t === 0 ? logSpan : Math.expm1(t * logSpan) / t; // ∫₁^{H/L} s^(t−1) ds
  return (alpha * min ** power * integral) / -Math.expm1(-alpha * logSpan);
}

function configErrorOf(run: () => unknown): { field: string; value: unknown; message: string } {
  try {
    run();
  } catch (error) {
    if (isConfigError(error)) return error;
    throw error;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

describe('exponential', () => {
  it('has the given mean; the sample mean agrees (σ = mean)', () => {
    fc.assert(
      fc.property(seedArb, logUniform(-3, 3), (seed, mean) => {
        const dist = exponential({ mean });
        expect(dist).toMatchObject({ kind: 'exponential', mean });
        expectMeanNear(draw(dist, seed), mean, mean);
      }),
      { numRuns: RUNS },
    );
  });

  it('follows 1 − e^(−x/mean) on [0, ∞)', () => {
    fc.assert(
      fc.property(seedArb, logUniform(-3, 3), (seed, mean) => {
        const values = draw(exponential({ mean }), seed);
        expectInRange(values, 0, Number.POSITIVE_INFINITY, false);
        expectFitsCdf(values, (x) => -Math.expm1(-x / mean));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('deterministic', () => {
  it('always returns its value and draws nothing', () => {
    fc.assert(
      fc.property(seedArb, fc.double({ noNaN: true, noDefaultInfinity: true }), (seed, value) => {
        const dist = deterministic({ value });
        expect(dist).toMatchObject({ kind: 'deterministic', mean: value, value });
        const rng = createRng(seed);
        for (let i = 0; i < 10; i++) expect(dist.sample(rng)).toBe(value);
        expect(rng.state()).toEqual(createRng(seed).state());
      }),
    );
  });
});

describe('uniform', () => {
  it('has mean (min + max) / 2; the sample mean agrees (σ = width / √12)', () => {
    fc.assert(
      fc.property(seedArb, between(-1000, 1000), logUniform(-3, 3), (seed, min, width) => {
        const max = min + width;
        const dist = uniform({ min, max });
        expect(dist).toMatchObject({ kind: 'uniform', min, max });
        expectRelativelyClose(dist.mean, (min + max) / 2, 1e-12);
        expectMeanNear(draw(dist, seed), dist.mean, (max - min) / Math.sqrt(12));
      }),
      { numRuns: RUNS },
    );
  });

  it('follows (x − min) / (max − min) on [min, max)', () => {
    fc.assert(
      fc.property(seedArb, between(-1000, 1000), logUniform(-3, 3), (seed, min, width) => {
        const max = min + width;
        const values = draw(uniform({ min, max }), seed);
        expectInRange(values, min, max, false);
        expectFitsCdf(values, (x) => (x - min) / (max - min));
      }),
      { numRuns: RUNS },
    );
  });

  it('stays in [min, max) for any finite bounds, and gives min when min === max', () => {
    const finite = fc.double({ noNaN: true, noDefaultInfinity: true });
    fc.assert(
      fc.property(seedArb, finite, finite, (seed, a, b) => {
        const [min, max] = a <= b ? [a, b] : [b, a];
        fc.pre(Number.isFinite(max - min));
        const values = draw(uniform({ min, max }), seed, 200);
        if (min === max) expect(values.every((value) => value === min)).toBe(true);
        else expectInRange(values, min, max, false);
      }),
    );
    // Bounds one ulp apart: min + width · u rounds to max for u near 1.
    const tight = uniform({ min: 1, max: 1 + Number.EPSILON });
    expectInRange(draw(tight, 1, 10_000), 1, 1 + Number.EPSILON, false);
  });
});

describe('normal', () => {
  it('has the given mean; the sample mean agrees (σ = stddev)', () => {
    fc.assert(
      fc.property(seedArb, between(-1000, 1000), logUniform(-3, 3), (seed, mean, stddev) => {
        const dist = normal({ mean, stddev });
        expect(dist).toMatchObject({ kind: 'normal', mean, stddev });
        expectMeanNear(draw(dist, seed), mean, stddev);
      }),
      { numRuns: RUNS },
    );
  });

  it('follows Φ((x − mean) / stddev), negative values included', () => {
    fc.assert(
      fc.property(seedArb, between(-1000, 1000), logUniform(-3, 3), (seed, mean, stddev) => {
        expectFitsCdf(draw(normal({ mean, stddev }), seed), (x) => normalCdf((x - mean) / stddev));
      }),
      { numRuns: RUNS },
    );
    expect(draw(normal({ mean: 1, stddev: 1 }), 5).some((value) => value < 0)).toBe(true);
    expect(draw(normal({ mean: 3, stddev: 0 }), 5, 10).every((value) => value === 3)).toBe(true);
  });
});

describe('lognormal', () => {
  it('is parameterised by its own mean and cv; the sample mean agrees (σ = cv · mean)', () => {
    fc.assert(
      // cv ≤ 1 keeps the right tail light enough for the normal approximation at N draws.
      fc.property(seedArb, logUniform(-2, 3), between(0.05, 1), (seed, mean, cv) => {
        const dist = lognormal({ mean, cv });
        expect(dist).toMatchObject({ kind: 'lognormal', mean, cv });
        const sigmaSquared = Math.log(1 + cv * cv);
        expectRelativelyClose(dist.sigma, Math.sqrt(sigmaSquared));
        expectRelativelyClose(Math.exp(dist.mu + sigmaSquared / 2), mean);
        expectMeanNear(draw(dist, seed), mean, cv * mean);
      }),
      { numRuns: RUNS },
    );
  });

  it('follows Φ((ln x − mu) / sigma) on (0, ∞), whatever the cv', () => {
    fc.assert(
      fc.property(seedArb, logUniform(-2, 3), between(0.05, 5), (seed, mean, cv) => {
        const sigma = Math.sqrt(Math.log(1 + cv * cv));
        const mu = Math.log(mean) - (sigma * sigma) / 2;
        const values = draw(lognormal({ mean, cv }), seed);
        expectInRange(values, 0, Number.POSITIVE_INFINITY, false);
        expectFitsCdf(values, (x) => normalCdf((Math.log(x) - mu) / sigma));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('gamma', () => {
  it('has mean shape · scale; the sample mean agrees (σ = √shape · scale), shape < 1 included', () => {
    fc.assert(
      fc.property(seedArb, logUniform(-1, 1.3), logUniform(-2, 2), (seed, shape, scale) => {
        const dist = gamma({ shape, scale });
        expect(dist).toMatchObject({ kind: 'gamma', shape, scale });
        expectRelativelyClose(dist.mean, shape * scale, 1e-15);
        const values = draw(dist, seed, 2 * N); // skewed for small shapes: more draws
        expectInRange(values, 0, Number.POSITIVE_INFINITY, false);
        expectMeanNear(values, shape * scale, Math.sqrt(shape) * scale);
      }),
      { numRuns: RUNS },
    );
  });

  it('follows the gamma CDF (half-integer shapes, both sides of the shape < 1 boost)', () => {
    fc.assert(
      fc.property(seedArb, fc.constantFrom(0.5, 1.5, 2.5, 4.5), logUniform(-2, 2), (seed, shape, scale) => {
        expectFitsCdf(draw(gamma({ shape, scale }), seed), (x) => halfIntegerGammaCdf(shape, x / scale));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('erlang', () => {
  it('has the given mean; the sample mean agrees (σ = mean / √k)', () => {
    fc.assert(
      fc.property(seedArb, fc.integer({ min: 1, max: 30 }), logUniform(-2, 3), (seed, k, mean) => {
        const dist = erlang({ k, mean });
        expect(dist).toMatchObject({ kind: 'erlang', k, mean });
        expectMeanNear(draw(dist, seed), mean, mean / Math.sqrt(k));
      }),
      { numRuns: RUNS },
    );
  });

  it('follows the Erlang CDF on [0, ∞)', () => {
    fc.assert(
      fc.property(seedArb, fc.integer({ min: 1, max: 30 }), logUniform(-2, 3), (seed, k, mean) => {
        const values = draw(erlang({ k, mean }), seed);
        expectInRange(values, 0, Number.POSITIVE_INFINITY, false);
        expectFitsCdf(values, (x) => erlangCdf(k, (x * k) / mean));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('pareto', () => {
  it('has mean alpha · scale / (alpha − 1), or Infinity for alpha ≤ 1', () => {
    fc.assert(
      fc.property(between(0.05, 10), logUniform(-3, 3), (alpha, scale) => {
        const dist = pareto({ alpha, scale });
        expect(dist).toMatchObject({ kind: 'pareto', alpha, scale });
        if (alpha <= 1) expect(dist.mean).toBe(Number.POSITIVE_INFINITY);
        else expectRelativelyClose(dist.mean, (alpha * scale) / (alpha - 1), 1e-15);
      }),
    );
  });

  // The sample mean of a Pareto converges too slowly (infinite variance for alpha ≤ 2, infinite skew
  // below 3) for any useful confidence interval at this N; the CDF test covers every alpha instead.
  it('follows 1 − (scale / x)^alpha on [scale, ∞), heavy tails included', () => {
    fc.assert(
      fc.property(seedArb, between(0.3, 5), logUniform(-2, 3), (seed, alpha, scale) => {
        const values = draw(pareto({ alpha, scale }), seed);
        expectInRange(values, scale, Number.MAX_VALUE, true);
        expectFitsCdf(values, (x) => 1 - (scale / x) ** alpha);
      }),
      { numRuns: RUNS },
    );
  });

  it('stays finite for tiny alpha', () => {
    expectInRange(draw(pareto({ alpha: 0.01, scale: 1 }), 3, 1000), 1, Number.MAX_VALUE, true);
  });
});

describe('boundedPareto', () => {
  const alphaArb = fc.oneof(between(0.2, 3), fc.constantFrom(1, 2));

  it('has the exact mean (alpha = 1 included); the sample mean agrees within a Bernstein bound', () => {
    fc.assert(
      fc.property(seedArb, alphaArb, logUniform(-2, 2), logUniform(0.1, 4), (seed, alpha, min, ratio) => {
        const max = min * ratio;
        const dist = boundedPareto({ alpha, min, max });
        expect(dist).toMatchObject({ kind: 'bounded-pareto', alpha, min, max });
        const mean = boundedParetoMoment(1, alpha, min, max);
        expectRelativelyClose(dist.mean, mean, 1e-9);
        const variance = boundedParetoMoment(2, alpha, min, max) - mean * mean;
        const values = draw(dist, seed);
        expectInRange(values, min, max, true);
        expectMeanNearBounded(values, mean, Math.sqrt(variance), max - min);
      }),
      { numRuns: RUNS },
    );
  });

  it('has a mean continuous at alpha = 1', () => {
    const atOne = boundedPareto({ alpha: 1, min: 1, max: 1000 }).mean;
    expectRelativelyClose(atOne, (1000 * Math.log(1000)) / 999, 1e-15);
    for (const alpha of [1 - 1e-12, 1 + 1e-12, 1 - 1e-6, 1 + 1e-6]) {
      expectRelativelyClose(boundedPareto({ alpha, min: 1, max: 1000 }).mean, atOne, 1e-5);
    }
  });

  it('follows (1 − (min / x)^alpha) / (1 − (min / max)^alpha) on [min, max]', () => {
    fc.assert(
      fc.property(seedArb, alphaArb, logUniform(-2, 2), logUniform(0.1, 4), (seed, alpha, min, ratio) => {
        const max = min * ratio;
        const values = draw(boundedPareto({ alpha, min, max }), seed);
        expectInRange(values, min, max, true);
        expectFitsCdf(values, (x) => (1 - (min / x) ** alpha) / (1 - (min / max) ** alpha));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('hyperexponential', () => {
  // Weights in [1, 10] keep every branch at probability ≥ 1/31, so each is drawn often enough at N.
  const branchesArb = fc
    .array(fc.record({ weight: between(1, 10), mean: logUniform(-2, 3) }), { minLength: 1, maxLength: 4 })
    .map((raw) => {
      const total = raw.reduce((sum, branch) => sum + branch.weight, 0);
      return raw.map((branch) => ({ probability: branch.weight / total, mean: branch.mean }));
    });

  it('has mean Σ pᵢ meanᵢ; the sample mean agrees (σ² = Σ 2 pᵢ meanᵢ² − mean²)', () => {
    fc.assert(
      fc.property(seedArb, branchesArb, (seed, branches) => {
        const dist = hyperexponential({ branches });
        const mean = branches.reduce((sum, b) => sum + b.probability * b.mean, 0);
        const secondMoment = branches.reduce((sum, b) => sum + 2 * b.probability * b.mean ** 2, 0);
        expect(dist.kind).toBe('hyperexponential');
        expect(dist.branches).toEqual(branches);
        expectRelativelyClose(dist.mean, mean);
        expectRelativelyClose(dist.cv, Math.sqrt(Math.max(0, secondMoment / mean ** 2 - 1)), 1e-6);
        expectMeanNear(draw(dist, seed), mean, Math.sqrt(secondMoment - mean * mean));
      }),
      { numRuns: RUNS },
    );
  });

  it('follows Σ pᵢ (1 − e^(−x/meanᵢ)) on [0, ∞)', () => {
    fc.assert(
      fc.property(seedArb, branchesArb, (seed, branches) => {
        const values = draw(hyperexponential({ branches }), seed);
        expectInRange(values, 0, Number.POSITIVE_INFINITY, false);
        expectFitsCdf(values, (x) =>
          branches.reduce((sum, b) => sum - b.probability * Math.expm1(-x / b.mean), 0),
        );
      }),
      { numRuns: RUNS },
    );
  });

  it('accepts probabilities that sum to 1 within 1e-9, and copies the branches', () => {
    const branches = [
      { probability: 0.3, mean: 1 },
      { probability: 0.7 - 5e-10, mean: 2 },
    ];
    const dist = hyperexponential({ branches });
    branches[0]!.mean = 100;
    expect(dist.branches[0]!.mean).toBe(1);
    expect(Object.isFrozen(dist.branches[0])).toBe(true);
  });
});

describe('hyperexponentialFromCv', () => {
  it('fits the mean and cv with balanced means; the sample mean agrees (σ = cv · mean)', () => {
    fc.assert(
      fc.property(seedArb, logUniform(-2, 3), between(1, 4), (seed, mean, cv) => {
        const dist = hyperexponentialFromCv({ mean, cv });
        const [first, second] = dist.branches;
        const p1 = (1 + Math.sqrt((cv * cv - 1) / (cv * cv + 1))) / 2;
        expectRelativelyClose(first!.probability, p1, 1e-12);
        expectRelativelyClose(first!.probability + second!.probability, 1, 1e-15);
        expectRelativelyClose(first!.mean, mean / (2 * p1), 1e-9);
        expectRelativelyClose(first!.probability * first!.mean, second!.probability * second!.mean, 1e-9);
        expectRelativelyClose(dist.mean, mean, 1e-12);
        expectRelativelyClose(dist.cv, cv, 1e-6);
        const values = draw(dist, seed);
        expectMeanNear(values, mean, cv * mean);
        const cdf = (x: number): number =>
          -p1 * Math.expm1(-x / (mean / (2 * p1))) - (1 - p1) * Math.expm1(-x / (mean / (2 * (1 - p1))));
        expectFitsCdf(values, cdf);
      }),
      { numRuns: RUNS },
    );
  });

  it('is the exponential at cv = 1 and stays accurate at cv = 1e6', () => {
    const exponentialFit = hyperexponentialFromCv({ mean: 5, cv: 1 });
    expect(exponentialFit.branches.map((branch) => branch.mean)).toEqual([5, 5]);
    const extreme = hyperexponentialFromCv({ mean: 1, cv: 1e6 });
    expectRelativelyClose(extreme.cv, 1e6, 1e-6);
    expectRelativelyClose(extreme.mean, 1, 1e-9);
    expect(extreme.branches.every((branch) => Number.isFinite(branch.mean) && branch.probability > 0)).toBe(
      true,
    );
  });
});

describe('empirical', () => {
  const samplesArb = fc.array(between(-1e6, 1e6), { minLength: 1, maxLength: 30 });

  it('returns only its samples, with the mean of the samples (Bernstein bound)', () => {
    fc.assert(
      fc.property(seedArb, samplesArb, (seed, samples) => {
        const dist = empirical({ samples });
        const mean = samples.reduce((sum, value) => sum + value, 0) / samples.length;
        // Scaled by the largest magnitude so that squares of tiny values do not underflow.
        const scale = Math.max(...samples.map(Math.abs)) || 1;
        const stddev =
          scale *
          Math.sqrt(samples.reduce((sum, value) => sum + ((value - mean) / scale) ** 2, 0) / samples.length);
        expect(dist.kind).toBe('empirical');
        expect(Math.abs(dist.mean - mean)).toBeLessThanOrEqual(1e-9 * Math.max(1, ...samples.map(Math.abs)));
        const allowed = new Set(samples);
        const values = draw(dist, seed);
        expect(values.every((value) => allowed.has(value))).toBe(true);
        expectMeanNearBounded(values, mean, stddev, Math.max(...samples) - Math.min(...samples));
      }),
      { numRuns: RUNS },
    );
  });

  it('picks each sample uniformly (KS against the empirical CDF)', () => {
    fc.assert(
      fc.property(seedArb, samplesArb, (seed, samples) => {
        const values = draw(empirical({ samples }), seed);
        const share = (count: number): number => count / samples.length;
        expectFitsCdf(
          values,
          (x) => share(samples.filter((value) => value <= x).length),
          (x) => share(samples.filter((value) => value < x).length),
        );
      }),
      { numRuns: RUNS },
    );
  });

  it('copies its input into a Float64Array, and accepts typed arrays', () => {
    const samples = [1, 2, 3];
    const dist = empirical({ samples });
    samples[0] = 99;
    expect(dist.samples).toBeInstanceOf(Float64Array);
    expect([...dist.samples]).toEqual([1, 2, 3]);
    expect(dist.mean).toBe(2);
    expect(empirical({ samples: Float64Array.of(4, 8) }).mean).toBe(6);
  });
});

describe('every distribution', () => {
  const all = (): Distribution[] => [
    exponential({ mean: 2 }),
    deterministic({ value: 3 }),
    uniform({ min: -1, max: 4 }),
    normal({ mean: 1, stddev: 2 }),
    lognormal({ mean: 3, cv: 2 }),
    gamma({ shape: 0.4, scale: 2 }),
    gamma({ shape: 3, scale: 2 }),
    erlang({ k: 3, mean: 6 }),
    pareto({ alpha: 1.5, scale: 1 }),
    boundedPareto({ alpha: 1.2, min: 1, max: 100 }),
    hyperexponential({ branches: [{ probability: 1, mean: 2 }] }),
    hyperexponentialFromCv({ mean: 2, cv: 3 }),
    empirical({ samples: [1, 5, 9] }),
  ];

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('draws only from the rng it is given: no Math.random, no state between calls', () => {
    vi.spyOn(Math, 'random').mockImplementation(() => {
      throw new Error('Math.random called');
    });
    fc.assert(
      fc.property(seedArb, fc.array(fc.boolean(), { minLength: 1, maxLength: 40 }), (seed, schedule) => {
        for (const dist of all()) {
          // Interleaving draws on two streams must give each stream what it gives alone.
          const alone = (name: string, count: number): number[] => {
            const rng = createRng(seed).fork(name);
            return Array.from({ length: count }, () => dist.sample(rng));
          };
          const a = createRng(seed).fork('a');
          const b = createRng(seed).fork('b');
          const fromA: number[] = [];
          const fromB: number[] = [];
          for (const useA of schedule) {
            if (useA) fromA.push(dist.sample(a));
            else fromB.push(dist.sample(b));
          }
          expect(fromA, dist.kind).toEqual(alone('a', fromA.length));
          expect(fromB, dist.kind).toEqual(alone('b', fromB.length));
        }
      }),
      { numRuns: 50 },
    );
  });

  it('exposes kind and a finite mean as plain fields', () => {
    for (const dist of all()) {
      expect(typeof dist.kind).toBe('string');
      expect(Number.isFinite(dist.mean)).toBe(true);
    }
  });
});

describe('invalid parameters', () => {
  const notPositive = fc.oneof(
    fc.double({ max: 0, noNaN: true }),
    fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
  );
  const ok = 1;
  const mustBePositive: ReadonlyArray<[string, (bad: number) => unknown]> = [
    ['mean', (bad) => exponential({ mean: bad })],
    ['mean', (bad) => lognormal({ mean: bad, cv: ok })],
    ['shape', (bad) => gamma({ shape: bad, scale: ok })],
    ['scale', (bad) => gamma({ shape: ok, scale: bad })],
    ['mean', (bad) => erlang({ k: 2, mean: bad })],
    ['alpha', (bad) => pareto({ alpha: bad, scale: ok })],
    ['scale', (bad) => pareto({ alpha: ok, scale: bad })],
    ['alpha', (bad) => boundedPareto({ alpha: bad, min: 1, max: 2 })],
    ['min', (bad) => boundedPareto({ alpha: ok, min: bad, max: 2 })],
    ['mean', (bad) => hyperexponentialFromCv({ mean: bad, cv: 2 })],
    ['branches[0].mean', (bad) => hyperexponential({ branches: [{ probability: 1, mean: bad }] })],
  ];

  it('throws a ConfigError naming the field and the value for every parameter that must be > 0', () => {
    fc.assert(
      fc.property(fc.constantFrom(...mustBePositive), notPositive, ([field, create], bad) => {
        const error = configErrorOf(() => create(bad));
        expect(error.field).toBe(field);
        expect(Object.is(error.value, bad)).toBe(true);
        expect(error.message).toBe(`${field} must be a finite number > 0, got ${String(bad)}`);
      }),
    );
  });

  it('names the field under a prefix', () => {
    expect(configErrorOf(() => exponential({ mean: 0 })).message).toBe(
      'mean must be a finite number > 0, got 0',
    );
    expect(configErrorOf(() => exponential({ mean: -1 }, 'service')).message).toBe(
      'service.mean must be a finite number > 0, got -1',
    );
    expect(configErrorOf(() => empirical({ samples: [1, Number.NaN] }, 'trace')).field).toBe(
      'trace.samples[1]',
    );
  });

  const cases: ReadonlyArray<[string, () => unknown]> = [
    ['value', () => deterministic({ value: Number.NaN })],
    ['min', () => uniform({ min: Number.NEGATIVE_INFINITY, max: 1 })],
    ['max', () => uniform({ min: 2, max: 1 })],
    ['max', () => uniform({ min: -Number.MAX_VALUE, max: Number.MAX_VALUE })],
    ['mean', () => normal({ mean: Number.POSITIVE_INFINITY, stddev: 1 })],
    ['stddev', () => normal({ mean: 0, stddev: -1 })],
    ['cv', () => lognormal({ mean: 1, cv: -0.5 })],
    ['cv', () => lognormal({ mean: 1, cv: 2e6 })],
    ['k', () => erlang({ k: 0, mean: 1 })],
    ['k', () => erlang({ k: 2.5, mean: 1 })],
    ['max', () => boundedPareto({ alpha: 1, min: 2, max: 2 })],
    ['max', () => boundedPareto({ alpha: 1, min: 2, max: Number.POSITIVE_INFINITY })],
    ['cv', () => hyperexponentialFromCv({ mean: 1, cv: 0.9 })],
    ['branches', () => hyperexponential({ branches: [] })],
    ['branches', () => hyperexponential({ branches: [{ probability: 0.5, mean: 1 }] })],
    [
      'branches[1].probability',
      () =>
        hyperexponential({
          branches: [
            { probability: 0.5, mean: 1 },
            { probability: 1.5, mean: 1 },
          ],
        }),
    ],
    ['branches[0]', () => hyperexponential({ branches: [null as never] })],
    ['samples', () => empirical({ samples: [] })],
    ['samples', () => empirical({ samples: 'abc' as never })],
    ['samples[2]', () => empirical({ samples: [1, 2, Number.POSITIVE_INFINITY] })],
  ];

  it.each(cases)('rejects bad %s', (field, create) => {
    const error = configErrorOf(create);
    expect(error.field).toBe(field);
    expect(error.message.startsWith(`${field} must `)).toBe(true);
  });

  it('says what the branch probabilities sum to', () => {
    const error = configErrorOf(() => hyperexponential({ branches: [{ probability: 0.5, mean: 1 }] }));
    expect(error.message).toContain('sum to 0.5');
  });
});
