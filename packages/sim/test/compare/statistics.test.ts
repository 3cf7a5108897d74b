import { describe, expect, it } from 'vitest';
import { confidenceInterval } from '../../src/compare/confidence.js';
import { formatInterval } from '../../src/compare/format-compare.js';
import { gridJobs, gridSeeds } from '../../src/compare/grid.js';
import { progressAllowed } from '../../src/compare/progress.js';
import { studentCriticalValue, studentTwoSidedProbability } from '../../src/compare/student-t.js';

describe('Student t critical values', () => {
  // Published two-sided 95% values (the 0.975 quantile), to the table's four decimals.
  it.each([
    [1, 12.7062],
    [2, 4.3027],
    [3, 3.1824],
    [4, 2.7764],
    [5, 2.5706],
    [7, 2.3646],
    [9, 2.2622],
    [19, 2.093],
    [29, 2.0452],
    [30, 2.0423],
    [60, 2.0003],
    [120, 1.9799],
  ])('df %i: %f', (df, expected) => {
    expect(studentCriticalValue(0.95, df)).toBeCloseTo(expected, 3);
  });

  it('gives the 99% values and tends to the normal quantile', () => {
    expect(studentCriticalValue(0.99, 9)).toBeCloseTo(3.2498, 3);
    expect(studentCriticalValue(0.9, 5)).toBeCloseTo(2.015, 3);
    expect(studentCriticalValue(0.95, 100_000)).toBeCloseTo(1.96, 3);
  });

  it('inverts the distribution function in closed form', () => {
    expect(studentTwoSidedProbability(0, 4)).toBe(0);
    expect(studentTwoSidedProbability(1, 1)).toBeCloseTo(0.5, 12); // Cauchy: P(|T| ≤ 1) = 1/2
    // df 2: P(|T| ≤ t) = t / √(2 + t²).
    expect(studentTwoSidedProbability(Math.sqrt(2), 2)).toBeCloseTo(1 / Math.sqrt(2), 12);
    for (const df of [1, 2, 3, 8, 33])
      expect(studentTwoSidedProbability(studentCriticalValue(0.95, df), df)).toBeCloseTo(0.95, 12);
  });

  it('names a bad argument', () => {
    expect(() => studentCriticalValue(0.95, 0)).toThrow(
      'degrees of freedom must be a positive integer, got 0',
    );
    expect(() => studentCriticalValue(0.95, 2.5)).toThrow('got 2.5');
    expect(() => studentCriticalValue(1, 3)).toThrow('level must be in (0, 1), got 1');
  });
});

describe('confidence intervals over replications', () => {
  it('matches a hand computation', () => {
    // mean 2, sample variance 0.025, stddev 0.1581; t(0.975, 4) = 2.7764 → half-width 0.19633.
    const ci = confidenceInterval([2.1, 1.9, 2.0, 2.2, 1.8]);
    expect(ci.n).toBe(5);
    expect(ci.mean).toBeCloseTo(2, 12);
    expect(ci.stddev).toBeCloseTo(Math.sqrt(0.025), 12);
    expect(ci.halfWidth).toBeCloseTo(0.19633, 4);
    expect(ci.lower).toBeCloseTo(ci.mean - ci.halfWidth, 12);
    expect(ci.upper).toBeCloseTo(ci.mean + ci.halfWidth, 12);
  });

  it('has zero width for identical values and refuses too few or non-finite values', () => {
    expect(confidenceInterval([3, 3, 3]).halfWidth).toBe(0);
    expect(() => confidenceInterval([1])).toThrow('at least 2 values, got 1');
    expect(() => confidenceInterval([1, Number.NaN])).toThrow('values[1] must be finite, got NaN');
  });

  it('covers the true mean about 95% of the time (a deterministic sample of normal draws)', () => {
    // Box–Muller over a fixed low-discrepancy sequence: no host randomness, same answer every run.
    let state = 12345;
    const uniform = (): number => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return (state + 0.5) / 4294967296;
    };
    const normal = (): number => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
    let covered = 0;
    const trials = 2000;
    for (let i = 0; i < trials; i++) {
      const ci = confidenceInterval(Array.from({ length: 5 }, normal));
      if (ci.lower <= 0 && 0 <= ci.upper) covered++;
    }
    // Binomial(2000, 0.95): standard deviation 0.0049, so ±0.02 is four of them.
    expect(Math.abs(covered / trials - 0.95)).toBeLessThan(0.02);
  });
});

describe('the grid', () => {
  it('uses consecutive seeds from the scenario seed, strategy-major', () => {
    expect(gridSeeds(42, 3)).toEqual([42, 43, 44]);
    expect(gridJobs(['random', 'power-of-two'], [7, 8])).toEqual([
      { index: 0, strategy: 'random', seed: 7 },
      { index: 1, strategy: 'random', seed: 8 },
      { index: 2, strategy: 'power-of-two', seed: 7 },
      { index: 3, strategy: 'power-of-two', seed: 8 },
    ]);
    expect(() => gridSeeds(Number.MAX_SAFE_INTEGER, 2)).toThrow('passes the largest seed');
  });

  it('formats an interval to the precision its half-width supports', () => {
    expect(formatInterval({ mean: 2.60578, halfWidth: 0.0245 })).toBe('2.606 ± 0.025');
    expect(formatInterval({ mean: 22232.4, halfWidth: 47.2 })).toBe('22232 ± 47');
    expect(formatInterval({ mean: 200000, halfWidth: 0 })).toBe('200000 ± 0');
  });

  it('draws a progress bar only on a terminal outside CI', () => {
    expect(progressAllowed({ isTTY: true }, {})).toBe(true);
    expect(progressAllowed({ isTTY: false }, {})).toBe(false);
    expect(progressAllowed({}, {})).toBe(false);
    expect(progressAllowed({ isTTY: true }, { CI: 'true' })).toBe(false);
    expect(progressAllowed({ isTTY: true }, { CI: '1' })).toBe(false);
    expect(progressAllowed({ isTTY: true }, { CI: 'false' })).toBe(true);
  });
});
