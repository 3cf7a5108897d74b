import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isConfigError } from '../../src/errors/config-error.js';
import { jainFairness } from '../../src/metrics/jain-fairness.js';

const valueArb = fc.oneof(
  fc.constant(0),
  fc.integer({ min: 0, max: 1000 }),
  fc.double({ min: 0, max: 1e6, noNaN: true }),
);

describe('jainFairness', () => {
  it('computes known values', () => {
    expect(jainFairness([3, 1])).toBeCloseTo(0.8, 15);
    expect(jainFairness([8, 0, 0, 0])).toBe(0.25);
    expect(jainFairness(new Float64Array([1, 2, 3]))).toBeCloseTo(36 / 42, 15);
  });

  it('is 1 for equal values, including all zeros and the empty list', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1e300, noNaN: true }),
        fc.integer({ min: 1, max: 200 }),
        (x, n) => {
          expect(jainFairness(new Array<number>(n).fill(x))).toBe(1);
        },
      ),
    );
    expect(jainFairness([])).toBe(1);
  });

  it('is 1/n when a single value is non-zero', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-300, max: 1e300, noNaN: true }),
        fc.integer({ min: 1, max: 200 }),
        fc.nat(),
        (x, n, at) => {
          const values = new Array<number>(n).fill(0);
          values[at % n] = x;
          expect(jainFairness(values)).toBe(1 / n);
        },
      ),
    );
  });

  it('stays within [1/n, 1] and matches the textbook formula', () => {
    fc.assert(
      fc.property(fc.array(valueArb, { minLength: 1, maxLength: 100 }), (values) => {
        const index = jainFairness(values);
        expect(index).toBeGreaterThanOrEqual(1 / values.length);
        expect(index).toBeLessThanOrEqual(1);
        const sum = values.reduce((a, b) => a + b, 0);
        const sumOfSquares = values.reduce((a, b) => a + b * b, 0);
        if (sumOfSquares > 0) expect(index).toBeCloseTo((sum * sum) / (values.length * sumOfSquares), 9);
      }),
    );
  });

  it('does not depend on the unit', () => {
    // Values far from the subnormal range, so that scaling them down by 1e-200 loses no information.
    const scalableArb = fc.oneof(fc.constant(0), fc.double({ min: 1e-50, max: 1e6, noNaN: true }));
    fc.assert(
      fc.property(
        fc.array(scalableArb, { minLength: 1, maxLength: 50 }),
        fc.constantFrom(1e-200, 1e-3, 7, 1e200),
        (values, k) => {
          expect(jainFairness(values.map((x) => x * k))).toBeCloseTo(jainFairness(values), 9);
        },
      ),
    );
  });

  it('rejects negative and non-finite values, naming the index', () => {
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      let caught: unknown;
      try {
        jainFairness([1, 2, bad]);
      } catch (error) {
        caught = error;
      }
      expect(isConfigError(caught)).toBe(true);
      expect((caught as { field: string }).field).toBe('values[2]');
    }
  });
});
