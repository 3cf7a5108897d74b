import * as hdr from 'hdr-histogram-js';
import { ConfigError } from '../errors/config-error.js';
import { checkInteger, checkNumber, checkPositive } from '../errors/validate.js';
import { HdrBuckets } from './hdr-buckets.js';

/** Options of a {@link LatencyHistogram}. */
export interface LatencyHistogramOptions {
  /** Largest value kept at full precision; larger values are clamped to it and counted. Default 1 hour. */
  readonly highestTrackableMs?: number;
  /** Smallest distinguishable difference; values are rounded to a multiple of it. Default 0.001 (1 µs). */
  readonly resolutionMs?: number;
  /** Decimal digits of relative precision kept by the buckets, 1–5. Default 3 (error ≤ 0.1%). */
  readonly significantDigits?: 1 | 2 | 3 | 4 | 5;
  /**
   * Width of each bucket's count. 64 (the default) counts exactly up to 2^53 per bucket; 32 halves the
   * memory but a bucket silently wraps past 2^32 − 1 values (about 70 minutes at 1M tasks/s in one bucket).
   */
  readonly bitBucketSize?: 32 | 64;
}

/** The figures a report prints for a latency distribution, all in milliseconds except `count`. */
export interface LatencySummary {
  readonly count: number;
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
}

const DEFAULT_HIGHEST_TRACKABLE_MS = 3_600_000;
const DEFAULT_RESOLUTION_MS = 0.001;

/**
 * Refuses a value that would poison the running sum. Out of line, as every cold path of `record` and
 * `recordBoth` is: they run once or twice per simulated task, and V8 inlines small functions more readily.
 */
function notFinite(valueMs: number): never {
  throw new ConfigError('valueMs', 'be a finite number', valueMs);
}

/**
 * A latency distribution over an HDR histogram (hdr-histogram-js): O(1) allocation-free `record`, fixed
 * memory (about 190 KB with the defaults, twice that with the staging counts), percentiles within `10^-significantDigits` relative error plus
 * `resolutionMs`.
 *
 * `count`, `mean`, `min` and `max` are exact over the values as given (a running sum, not the bucket
 * midpoints hdr would use). Percentiles come from the buckets: a value outside `[0, highestTrackableMs]`
 * is recorded at the nearest bound and counted in `clampedCount`, and a percentile is kept within the
 * exact `[min, max]`. An empty histogram reports 0 everywhere, so reports stay valid JSON.
 *
 * @example
 * ```ts
 * const latency = new LatencyHistogram({ highestTrackableMs: 60_000 });
 * latency.record(12.5);
 * latency.record(80);
 * latency.percentile(50); // 12.503: the top of 12.5's 8 µs bucket, within 0.1%
 * latency.summary(); // { count: 2, mean: 46.25, p50: 12.503, p90: 80, p99: 80, p999: 80, max: 80 }
 * ```
 */
export class LatencyHistogram {
  /** Largest value kept by the buckets, in milliseconds. */
  readonly highestTrackableMs: number;
  /** Resolution of the buckets, in milliseconds. */
  readonly resolutionMs: number;
  private readonly unitsPerMs: number;
  private readonly highestUnits: number;
  private readonly buildOptions: hdr.BuildRequest;
  /** Built by the first merge: until then the staged counts hold every value and answer percentiles. */
  private built: hdr.Histogram | undefined = undefined;
  /** Values recorded since the histogram last answered a query, counted in its own buckets (see HdrBuckets). */
  private readonly staged: HdrBuckets;
  private total = 0;
  /** A double from the start (`-0`, which adds as 0): its first value would otherwise change the field's representation and, with it, every histogram's hidden class. */
  private sumMs = -0;
  private minMs = Number.POSITIVE_INFINITY;
  private maxMs = Number.NEGATIVE_INFINITY;
  private clamped = 0;

  constructor(options: LatencyHistogramOptions = {}) {
    this.resolutionMs = checkPositive('resolutionMs', options.resolutionMs ?? DEFAULT_RESOLUTION_MS);
    this.highestTrackableMs = checkPositive(
      'highestTrackableMs',
      options.highestTrackableMs ?? DEFAULT_HIGHEST_TRACKABLE_MS,
    );
    const significantDigits = checkInteger('significantDigits', options.significantDigits ?? 3, 1, 5);
    const bitBucketSize = options.bitBucketSize ?? 64;
    if (bitBucketSize !== 32 && bitBucketSize !== 64) {
      throw new ConfigError('bitBucketSize', 'be 32 or 64', bitBucketSize);
    }
    this.unitsPerMs = 1 / this.resolutionMs;
    this.highestUnits = Math.round(this.highestTrackableMs * this.unitsPerMs);
    if (!(this.highestUnits >= 2 && this.highestUnits <= Number.MAX_SAFE_INTEGER)) {
      throw new ConfigError(
        'highestTrackableMs',
        'be between 2 and 2^53 times resolutionMs',
        this.highestTrackableMs,
      );
    }
    this.buildOptions = {
      bitBucketSize,
      // A fixed range keeps memory bounded and makes out-of-range values visible as `clampedCount`.
      autoResize: false,
      lowestDiscernibleValue: 1,
      highestTrackableValue: this.highestUnits,
      numberOfSignificantValueDigits: significantDigits as 1 | 2 | 3 | 4 | 5,
      // The JS build: values reach it in bulk from the staged buckets, so its per-value speed no longer
      // matters, and the WebAssembly build cost about 100 ms to compile in every process that made one.
      useWebAssembly: false,
    };
    this.staged = new HdrBuckets(significantDigits, this.highestUnits);
  }

  /** Number of values recorded. */
  get count(): number {
    return this.total;
  }

  /** Exact arithmetic mean of the recorded values; 0 when empty. */
  get mean(): number {
    return this.total === 0 ? 0 : this.sumMs / this.total;
  }

  /** Exact smallest recorded value; 0 when empty. */
  get min(): number {
    return this.total === 0 ? 0 : this.minMs;
  }

  /** Exact largest recorded value; 0 when empty. */
  get max(): number {
    return this.total === 0 ? 0 : this.maxMs;
  }

  /** Number of recorded values outside `[0, highestTrackableMs]`, which the percentiles see clamped. */
  get clampedCount(): number {
    return this.clamped;
  }

  /** Records one value in milliseconds; throws a {@link ConfigError} for NaN or ±Infinity. */
  record(valueMs: number): void {
    // One subtraction rejects NaN and both infinities, which would poison the running sum.
    if (valueMs - valueMs !== 0) notFinite(valueMs);
    this.accumulate(valueMs);
    this.staged.add(this.unitsOf(valueMs));
  }

  /**
   * Records one value here and in `other`, as `record` on each would (an overall histogram and one of its
   * classes see the same values): when both have the same resolution and range, the value is checked,
   * rounded and its bucket found once.
   */
  recordBoth(other: LatencyHistogram, valueMs: number): void {
    if (
      other.unitsPerMs !== this.unitsPerMs ||
      other.highestUnits !== this.highestUnits ||
      !this.staged.sameLayout(other.staged)
    ) {
      this.recordEach(other, valueMs);
      return;
    }
    if (valueMs - valueMs !== 0) notFinite(valueMs);
    this.accumulate(valueMs);
    other.accumulate(valueMs);
    const clampedBefore = this.clamped;
    const units = this.unitsOf(valueMs);
    other.clamped += this.clamped - clampedBefore;
    this.staged.addBoth(other.staged, units);
  }

  /** `recordBoth` for histograms of different layouts: each finds the value's bucket itself. */
  private recordEach(other: LatencyHistogram, valueMs: number): void {
    this.record(valueMs);
    other.record(valueMs);
  }

  /** The value in this histogram's units, clamped to its range (and counted when it is). */
  private unitsOf(valueMs: number): number {
    if (valueMs < 0) {
      this.clamped++;
      return 0;
    }
    const units = Math.round(valueMs * this.unitsPerMs);
    if (units <= this.highestUnits) return units;
    this.clamped++;
    return this.highestUnits;
  }

  private accumulate(valueMs: number): void {
    this.total++;
    this.sumMs += valueMs;
    if (valueMs < this.minMs) this.minMs = valueMs;
    if (valueMs > this.maxMs) this.maxMs = valueMs;
  }

  /**
   * The value at percentile `p` (in `[0, 100]`): the smallest bucket value that at least `p`% of the
   * recorded values are at or below (HdrHistogram's definition), in milliseconds; 0 when empty.
   */
  percentile(p: number): number {
    checkNumber('p', p, { min: 0, max: 100 });
    if (this.total === 0) return 0;
    // Until a merge builds the hdr histogram, every value is in the staged counts, which answer alone.
    let units: number;
    if (this.built === undefined) units = this.staged.valueAtPercentile(p);
    else {
      this.staged.drainInto(this.built);
      units = this.built.getValueAtPercentile(p);
    }
    const valueMs = units / this.unitsPerMs;
    // hdr answers with the top of a bucket; no percentile lies outside the exact range of the samples.
    return Math.min(Math.max(valueMs, this.minMs), this.maxMs);
  }

  /** Count, exact mean and max, and the usual percentiles, in milliseconds. */
  summary(): LatencySummary {
    return {
      count: this.total,
      mean: this.mean,
      p50: this.percentile(50),
      p90: this.percentile(90),
      p99: this.percentile(99),
      p999: this.percentile(99.9),
      max: this.max,
    };
  }

  /**
   * Adds every value recorded by `other` to this histogram, as if they had been recorded here. `other` must
   * have the same `resolutionMs` and a `highestTrackableMs` no larger than this one's.
   */
  merge(other: LatencyHistogram): void {
    if (other.resolutionMs !== this.resolutionMs) {
      throw new ConfigError(
        'other.resolutionMs',
        `equal this histogram's resolutionMs ${this.resolutionMs}`,
        other.resolutionMs,
      );
    }
    if (other.highestUnits > this.highestUnits) {
      throw new ConfigError(
        'other.highestTrackableMs',
        `be ≤ this histogram's highestTrackableMs ${this.highestTrackableMs}`,
        other.highestTrackableMs,
      );
    }
    if (other.total === 0) return;
    const histogram = this.histogram();
    const others = other.histogram();
    this.staged.drainInto(histogram);
    other.staged.drainInto(others);
    histogram.add(others);
    this.total += other.total;
    this.sumMs += other.sumMs;
    this.clamped += other.clamped;
    if (other.minMs < this.minMs) this.minMs = other.minMs;
    if (other.maxMs > this.maxMs) this.maxMs = other.maxMs;
  }

  private histogram(): hdr.Histogram {
    this.built ??= hdr.build(this.buildOptions);
    return this.built;
  }

  /** Forgets every recorded value; keeps the buckets' memory. */
  reset(): void {
    this.built?.reset();
    this.staged.clear();
    this.total = 0;
    this.sumMs = -0;
    this.minMs = Number.POSITIVE_INFINITY;
    this.maxMs = Number.NEGATIVE_INFINITY;
    this.clamped = 0;
  }
}
