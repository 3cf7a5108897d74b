import fc from 'fast-check';
import * as hdr from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { HdrBuckets } from '../../src/metrics/hdr-buckets.js';

const HIGHEST = 1e13;

/** Integers over the whole trackable range: every bucket width, both sides of 2^32. */
const valueArb = fc.oneof(
  fc.integer({ min: 0, max: 5000 }),
  fc.integer({ min: 0, max: 2 ** 31 + 5000 }),
  fc.double({ min: 0, max: HIGHEST, noNaN: true }).map(Math.floor),
  fc.constantFrom(0, 1, 2047, 2048, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, HIGHEST),
);

function histogram(digits: 1 | 2 | 3 | 4 | 5): hdr.Histogram {
  return hdr.build({
    bitBucketSize: 64,
    autoResize: false,
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST,
    numberOfSignificantValueDigits: digits,
  });
}

describe('HdrBuckets', () => {
  it('drains into exactly the counts the values give one by one', () => {
    fc.assert(
      fc.property(
        fc.array(valueArb, { minLength: 1, maxLength: 200 }),
        fc.constantFrom<1 | 2 | 3 | 4 | 5>(1, 2, 3, 4, 5),
        (values, digits) => {
          const direct = histogram(digits);
          const drained = histogram(digits);
          const buckets = new HdrBuckets(digits, HIGHEST);
          for (const value of values) {
            direct.recordValue(value);
            buckets.add(value);
          }
          expect(buckets.size).toBe(values.length);
          buckets.drainInto(drained);
          expect(buckets.size).toBe(0);
          expect(drained.totalCount).toBe(direct.totalCount);
          for (const p of [0, 1, 25, 50, 75, 90, 99, 99.9, 100])
            expect(drained.getValueAtPercentile(p)).toBe(direct.getValueAtPercentile(p));
          // (hdr's maxValue and minNonZeroValue are the exact extremes, which a bucket's lowest value is
          // not; LatencyHistogram keeps its own exact min and max.)
        },
      ),
    );
  });

  it('forgets what it drained or cleared', () => {
    const buckets = new HdrBuckets(3, HIGHEST);
    buckets.add(7);
    buckets.clear();
    const target = histogram(3);
    buckets.drainInto(target);
    expect(target.totalCount).toBe(0);
    buckets.add(9);
    buckets.drainInto(target);
    buckets.drainInto(target);
    expect(target.totalCount).toBe(1);
  });
});
