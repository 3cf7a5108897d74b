import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isConfigError } from '../../src/errors/config-error.js';
import { LatencyHistogram } from '../../src/metrics/latency-histogram.js';

const RESOLUTION_MS = 0.001;
/** 3 significant digits: bucket width ≤ 1/1024 of the value, inside HdrHistogram's 0.1% promise. */
const RELATIVE_ERROR = 1e-3;

/** Latencies spread over six decades, so samples land in many different bucket widths. */
const latencyArb = fc.oneof(
  fc.double({ min: 0, max: 2, noNaN: true }),
  fc.double({ min: 0, max: 100, noNaN: true }),
  fc.double({ min: 0, max: 50_000, noNaN: true }),
  fc.integer({ min: 0, max: 1000 }),
);
const samplesArb = fc.array(latencyArb, { minLength: 1, maxLength: 300 });
const percentileArb = fc.oneof(
  fc.constantFrom(0, 50, 90, 99, 99.9, 100),
  fc.double({ min: 0, max: 100, noNaN: true }),
);

/** HdrHistogram's percentile: the sample of rank ⌈p·n/100⌉ (at least 1) in ascending order. */
function exactPercentileRange(sorted: readonly number[], p: number): [number, number] {
  const n = sorted.length;
  const rank = (p / 100) * n;
  // Allow the neighbouring rank when p·n/100 sits within rounding of an integer.
  const lowRank = Math.min(n, Math.max(1, Math.ceil(rank - 1e-9)));
  const highRank = Math.min(n, Math.max(1, Math.ceil(rank + 1e-9)));
  return [sorted[lowRank - 1] as number, sorted[highRank - 1] as number];
}

function record(histogram: LatencyHistogram, samples: readonly number[]): LatencyHistogram {
  for (const sample of samples) histogram.record(sample);
  return histogram;
}

describe('LatencyHistogram', () => {
  it('summarizes 1..100 ms, percentiles at the top of their bucket', () => {
    const histogram = new LatencyHistogram();
    for (let ms = 1; ms <= 100; ms++) histogram.record(ms);
    const summary = histogram.summary();
    expect(summary).toMatchObject({ count: 100, mean: 50.5, p999: 100, max: 100 });
    // 50 ms = 50 000 µs lies in a 32 µs wide bucket, [49 984, 50 016): hdr answers its top, 50.015 ms.
    expect(summary.p50).toBe(50.015);
    for (const [reported, exact] of [
      [summary.p50, 50],
      [summary.p90, 90],
      [summary.p99, 99],
    ] as const) {
      expect(reported).toBeGreaterThanOrEqual(exact);
      expect(reported).toBeLessThanOrEqual(exact * (1 + RELATIVE_ERROR));
    }
    expect(histogram.min).toBe(1);
    expect(histogram.percentile(0)).toBe(1);
  });

  it('reports zeros when empty', () => {
    const histogram = new LatencyHistogram();
    expect(histogram.summary()).toEqual({ count: 0, mean: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 });
    expect(histogram.min).toBe(0);
  });

  it('keeps percentiles within the relative error plus the resolution of the exact ones', () => {
    fc.assert(
      fc.property(samplesArb, fc.array(percentileArb, { minLength: 1, maxLength: 8 }), (samples, ps) => {
        const histogram = record(new LatencyHistogram({ highestTrackableMs: 60_000 }), samples);
        const sorted = [...samples].sort((a, b) => a - b);
        for (const p of ps) {
          const [low, high] = exactPercentileRange(sorted, p);
          const reported = histogram.percentile(p);
          expect(reported).toBeGreaterThanOrEqual(low * (1 - RELATIVE_ERROR) - RESOLUTION_MS);
          expect(reported).toBeLessThanOrEqual(high * (1 + RELATIVE_ERROR) + RESOLUTION_MS);
        }
      }),
    );
  });

  it('keeps count, mean, min and max exact', () => {
    fc.assert(
      fc.property(samplesArb, (samples) => {
        const histogram = record(new LatencyHistogram({ highestTrackableMs: 60_000 }), samples);
        const sum = samples.reduce((total, x) => total + x, 0);
        expect(histogram.count).toBe(samples.length);
        expect(histogram.mean).toBeCloseTo(sum / samples.length, 9);
        expect(histogram.min).toBe(Math.min(...samples));
        expect(histogram.max).toBe(Math.max(...samples));
        expect(histogram.summary().max).toBe(Math.max(...samples));
      }),
    );
  });

  it('merging equals recording both', () => {
    fc.assert(
      fc.property(samplesArb, samplesArb, (first, second) => {
        const merged = record(new LatencyHistogram({ highestTrackableMs: 10_000 }), first);
        merged.merge(record(new LatencyHistogram({ highestTrackableMs: 10_000 }), second));
        const both = record(new LatencyHistogram({ highestTrackableMs: 10_000 }), [...first, ...second]);
        expect(merged.count).toBe(both.count);
        expect(merged.mean).toBeCloseTo(both.mean, 9);
        expect(merged.min).toBe(both.min);
        expect(merged.max).toBe(both.max);
        expect(merged.clampedCount).toBe(both.clampedCount);
        for (const p of [0, 10, 50, 90, 99, 99.9, 100]) expect(merged.percentile(p)).toBe(both.percentile(p));
      }),
    );
  });

  it('clamps values outside [0, highestTrackableMs] and counts them', () => {
    // Whole microseconds, so which side of the bound each value falls on is unambiguous.
    const valueArb = fc.integer({ min: -50_000, max: 200_000 }).map((us) => us / 1000);
    fc.assert(
      fc.property(fc.array(valueArb, { minLength: 1, maxLength: 200 }), (values) => {
        const histogram = record(new LatencyHistogram({ highestTrackableMs: 100 }), values);
        expect(histogram.clampedCount).toBe(values.filter((v) => v < 0 || v > 100).length);
        expect(histogram.count).toBe(values.length);
        // Clamped values are recorded at the bounds, so the extreme percentiles sit at the bounds (or at the
        // exact min, when every value is above the range).
        if (values.some((v) => v > 100)) {
          expect(histogram.percentile(100)).toBeGreaterThanOrEqual(100);
          expect(histogram.percentile(100)).toBeLessThanOrEqual(
            Math.max(100 * (1 + RELATIVE_ERROR), histogram.min),
          );
        }
        if (values.some((v) => v < 0)) expect(histogram.percentile(0)).toBe(Math.min(0, histogram.max));
      }),
    );
  });

  it('forgets everything on reset', () => {
    const histogram = record(new LatencyHistogram({ highestTrackableMs: 10 }), [1, 2, 50, -1]);
    expect(histogram.clampedCount).toBe(2);
    histogram.reset();
    expect(histogram.summary()).toEqual({ count: 0, mean: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 });
    expect(histogram.clampedCount).toBe(0);
    histogram.record(3);
    expect(histogram.summary()).toEqual({ count: 1, mean: 3, p50: 3, p90: 3, p99: 3, p999: 3, max: 3 });
  });

  it('honours a coarser resolution', () => {
    const histogram = new LatencyHistogram({ resolutionMs: 1 });
    histogram.record(10.4);
    histogram.record(10.6);
    expect(histogram.percentile(50)).toBe(10.4); // the bucket of 10 ms, kept within the exact [min, max]
    expect(histogram.percentile(100)).toBe(10.6);
    expect(histogram.mean).toBeCloseTo(10.5, 12);
  });

  it('rejects bad values and options, naming the field, and changes nothing', () => {
    const histogram = record(new LatencyHistogram(), [5]);
    const fieldOf = (run: () => unknown): string | undefined => {
      try {
        run();
      } catch (error) {
        return isConfigError(error) ? error.field : 'not a ConfigError';
      }
      return undefined;
    };
    expect(fieldOf(() => histogram.record(Number.NaN))).toBe('valueMs');
    expect(fieldOf(() => histogram.record(Number.POSITIVE_INFINITY))).toBe('valueMs');
    expect(fieldOf(() => histogram.percentile(101))).toBe('p');
    expect(fieldOf(() => histogram.percentile(-1))).toBe('p');
    expect(histogram.summary()).toEqual({ count: 1, mean: 5, p50: 5, p90: 5, p99: 5, p999: 5, max: 5 });
    expect(fieldOf(() => new LatencyHistogram({ resolutionMs: 0 }))).toBe('resolutionMs');
    expect(fieldOf(() => new LatencyHistogram({ highestTrackableMs: -1 }))).toBe('highestTrackableMs');
    expect(fieldOf(() => new LatencyHistogram({ highestTrackableMs: 0.001 }))).toBe('highestTrackableMs');
    expect(fieldOf(() => new LatencyHistogram({ bitBucketSize: 16 as 32 }))).toBe('bitBucketSize');
    expect(fieldOf(() => new LatencyHistogram({ significantDigits: 6 as 5 }))).toBe('significantDigits');
    expect(fieldOf(() => histogram.merge(new LatencyHistogram({ resolutionMs: 1 })))).toBe(
      'other.resolutionMs',
    );
    expect(fieldOf(() => histogram.merge(new LatencyHistogram({ highestTrackableMs: 1e8 })))).toBe(
      'other.highestTrackableMs',
    );
    expect(histogram.count).toBe(1);
  });
});

describe('LatencyHistogram.recordBoth', () => {
  const summaryOf = (h: LatencyHistogram) => ({ ...h.summary(), min: h.min, clamped: h.clampedCount });

  it('leaves both histograms as record on each would, with the same or a different layout', () => {
    fc.assert(
      fc.property(samplesArb, fc.boolean(), (samples, sameLayout) => {
        const options = { highestTrackableMs: 10_000 };
        const otherOptions = sameLayout ? options : { highestTrackableMs: 20_000 };
        const [a, b, c, d] = [options, otherOptions, options, otherOptions].map(
          (o) => new LatencyHistogram(o),
        ) as [LatencyHistogram, LatencyHistogram, LatencyHistogram, LatencyHistogram];
        for (const value of [...samples, -1, 1e9]) {
          a.recordBoth(b, value);
          c.record(value);
          d.record(value);
        }
        expect(summaryOf(a)).toEqual(summaryOf(c));
        expect(summaryOf(b)).toEqual(summaryOf(d));
      }),
      { numRuns: 50 },
    );
  });

  it('rejects a non-finite value and changes neither histogram', () => {
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    expect(() => a.recordBoth(b, Number.NaN)).toThrow();
    expect(a.count + b.count).toBe(0);
  });
});

describe('LatencyHistogram percentiles before any merge', () => {
  it('equal hdr-histogram-js answers for the same values (a merged copy answers through hdr)', () => {
    fc.assert(
      fc.property(samplesArb, fc.array(percentileArb, { minLength: 1, maxLength: 8 }), (samples, ps) => {
        const staged = new LatencyHistogram({ highestTrackableMs: 60_000 });
        for (const value of samples) staged.record(value);
        const viaHdr = new LatencyHistogram({ highestTrackableMs: 60_000 });
        viaHdr.merge(staged);
        for (const p of ps) expect(staged.percentile(p)).toBe(viaHdr.percentile(p));
      }),
      { numRuns: 200 },
    );
  });
});
