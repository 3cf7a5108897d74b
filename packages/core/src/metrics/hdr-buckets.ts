const TWO_POW_32 = 4294967296;
/** 2^-32: multiplying by an exact power of two gives the division's result to the bit, and is cheaper. */
const TWO_POW_MINUS_32 = 1 / TWO_POW_32;

/**
 * Counts values in HdrHistogram's own buckets, in a plain typed array, for values that later go into an
 * hdr-histogram-js histogram in bulk ({@link HdrBuckets.drainInto}): one `recordValueWithCount` per
 * non-empty bucket instead of one call per value. A value recorded in hdr-histogram-js costs about 110 ns
 * in its JS build and 30 ns in its WebAssembly build (through the wrapper); finding the bucket here and
 * adding one costs a few.
 *
 * The layout is HdrHistogram's for `lowestDiscernibleValue` 1 (unit magnitude 0): bucket `b` holds
 * sub-buckets of width 2^b, and a value's index is `(b + 1) · 2^m + (sub − 2^m)`, where `m` is the
 * half-count magnitude of `significantDigits`. Any value of a bucket stands for all of it (hdr maps them
 * to one counter), so draining records each bucket's lowest value with its count: the histogram ends up
 * with exactly the counts it would have had from the values one by one.
 *
 * @example
 * ```ts
 * const buckets = new HdrBuckets(3, 1e13);
 * buckets.add(1234);
 * buckets.drainInto(histogram); // histogram.recordValueWithCount(1234, 1)
 * ```
 */
export class HdrBuckets {
  /** log2 of half the sub-buckets per bucket (10 for 3 significant digits: 1,024). */
  private readonly halfMagnitude: number;
  private readonly halfCount: number;
  /** 63 − halfMagnitude: HdrHistogram's `leadingZeroCountBase` for unit magnitude 0. */
  private readonly zeroCountBase: number;
  private readonly subBucketMask: number;
  private readonly counts: Float64Array;
  /** 2^b for each bucket b: a table read instead of a power per value. */
  /** 2^-bucket: a bucket's sub-bucket is `value × 2^-bucket` (exact), a multiplication instead of a division. */
  private readonly inverseWidths: Float64Array;
  /** Values added since the last drain. */
  private pending = 0;

  constructor(significantDigits: number, highestTrackableValue: number) {
    const largestSingleUnit = 2 * 10 ** significantDigits;
    const subBucketCountMagnitude = Math.ceil(Math.log2(largestSingleUnit));
    this.halfMagnitude = Math.max(subBucketCountMagnitude, 1) - 1;
    this.halfCount = 2 ** this.halfMagnitude;
    this.zeroCountBase = 63 - this.halfMagnitude;
    this.subBucketMask = 2 * this.halfCount - 1;
    this.inverseWidths = Float64Array.from({ length: 64 }, (_, bucket) => 2 ** -bucket);
    this.counts = new Float64Array(this.indexOf(highestTrackableValue) + 1);
  }

  /** Values added and not yet drained. */
  get size(): number {
    return this.pending;
  }

  /** Counts one value: an integer in [0, highestTrackableValue]. */
  add(value: number): void {
    const index = this.indexOf(value);
    this.counts[index] = (this.counts[index] as number) + 1;
    this.pending++;
  }

  /**
   * Counts one value here and in `other`, which must have this one's layout ({@link HdrBuckets.sameLayout}):
   * the bucket is found once for both.
   */
  addBoth(other: HdrBuckets, value: number): void {
    const index = this.indexOf(value);
    this.counts[index] = (this.counts[index] as number) + 1;
    this.pending++;
    other.counts[index] = (other.counts[index] as number) + 1;
    other.pending++;
  }

  /** Same significant digits and range: a value has the same index in both. */
  sameLayout(other: HdrBuckets): boolean {
    return other.halfMagnitude === this.halfMagnitude && other.counts.length === this.counts.length;
  }

  /** Records every counted value into `histogram` and forgets them here. */
  drainInto(histogram: { recordValueWithCount(value: number, count: number): void }): void {
    if (this.pending === 0) return;
    const counts = this.counts;
    for (let index = 0; index < counts.length; index++) {
      const count = counts[index] as number;
      if (count === 0) continue;
      histogram.recordValueWithCount(this.valueOf(index), count);
      counts[index] = 0;
    }
    this.pending = 0;
  }

  /**
   * hdr-histogram-js's `getValueAtPercentile` over the values counted here, as if they had been drained
   * into an empty histogram, to the bit: the same rank (its rounding, ulp and all), the same counter and
   * the same end of it, without building the histogram or recording into it (a report asks for a few
   * percentiles of each of ten histograms once, and that cost about 30 ms). 0 when nothing is counted.
   */
  valueAtPercentile(percentile: number): number {
    const fpCountAtPercentile = (Math.min(percentile, 100) / 100) * this.pending;
    const rank = Math.max(
      Math.ceil(fpCountAtPercentile - Math.pow(2, Math.floor(Math.log2(fpCountAtPercentile)) - 52)),
      1,
    );
    const counts = this.counts;
    let total = 0;
    for (let index = 0; index < counts.length; index++) {
      total += counts[index] as number;
      if (total >= rank) {
        const value = this.valueOf(index);
        // A counter stands for 2^bucket values (1 in the first bucket): hdr answers with its top.
        return percentile === 0
          ? value
          : value + Math.pow(2, Math.max(0, (index >> this.halfMagnitude) - 1)) - 1;
      }
    }
    return 0;
  }

  /** Forgets the counted values. */
  clear(): void {
    this.counts.fill(0);
    this.pending = 0;
  }

  /** HdrHistogram's `countsArrayIndex` (values up to 2^53, so the 64-bit leading-zero count is split). */
  private indexOf(value: number): number {
    // Or-ing in the sub-bucket mask keeps every value below the first bucket's top in bucket 0.
    const high = Math.floor(value * TWO_POW_MINUS_32);
    const leadingZeros = high === 0 ? 32 + Math.clz32((value | this.subBucketMask) >>> 0) : Math.clz32(high);
    const bucket = this.zeroCountBase - leadingZeros;
    const sub = Math.floor(value * (this.inverseWidths[bucket] as number));
    return ((bucket + 1) << this.halfMagnitude) + (sub - this.halfCount);
  }

  /** The lowest value of the counter at `index` (HdrHistogram's `valueFromIndex`). */
  private valueOf(index: number): number {
    let bucket = (index >> this.halfMagnitude) - 1;
    let sub = (index & (this.halfCount - 1)) + this.halfCount;
    if (bucket < 0) {
      sub -= this.halfCount;
      bucket = 0;
    }
    return sub * 2 ** bucket;
  }
}
