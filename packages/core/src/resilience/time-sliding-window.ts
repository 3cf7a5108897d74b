import { ConfigError } from '../errors/config-error.js';
import { checkInteger, checkPositive } from '../errors/validate.js';
import type {
  BreakerWindow,
  BreakerWindowState,
  CallOutcome,
  TimeBucketState,
  TripReason,
  WindowSnapshot,
} from './breaker-window.js';
import {
  rateSnapshot,
  rateTripReason,
  resolveRateThresholds,
  type RateThresholdOptions,
  type RateThresholds,
} from './rate-thresholds.js';

/** Largest accepted `bucketCount` of a {@link TimeSlidingWindow}. */
export const MAX_TIME_WINDOW_BUCKETS = 1 << 16;

/** Options of a {@link TimeSlidingWindow}. */
export interface TimeSlidingWindowOptions extends RateThresholdOptions {
  /** Span of time the window covers; > 0. */
  readonly windowMs: number;
  /** Number of buckets the span is cut into (resolution `windowMs / bucketCount`); integer in `[1, 2^16]`. */
  readonly bucketCount: number;
}

/**
 * resilience4j's time-based sliding window: calls are counted in buckets of `bucketMs = windowMs /
 * bucketCount`, numbered by epoch `floor(nowMs / bucketMs)`; the window is the newest `bucketCount` epochs
 * up to the latest `nowMs` seen. A call ending at `t` therefore counts while
 * `floor(nowMs / bucketMs) − floor(t / bucketMs) < bucketCount`.
 *
 * Non-empty buckets sit in a FIFO in epoch order and leave it when they fall out of the window, each
 * subtracting its counts from running totals once. Every call adds at most one bucket, so `record` is
 * amortized O(1) however far `nowMs` jumps, and empty stretches of time cost nothing.
 *
 * Time never moves backward for the window: a `nowMs` earlier than one already seen counts in the newest
 * bucket.
 *
 * @example
 * ```ts
 * const window = new TimeSlidingWindow({ windowMs: 10_000, bucketCount: 10, minimumCalls: 2, failureRateThreshold: 0.5 });
 * window.record({ success: false, durationMs: 30 }, 0);
 * window.record({ success: false, durationMs: 30 }, 500);
 * window.shouldTrip(); // true
 * window.advanceTo(10_000); // both calls roll off
 * window.snapshot().calls; // 0
 * ```
 */
export class TimeSlidingWindow implements BreakerWindow {
  readonly kind = 'time';
  readonly windowMs: number;
  readonly bucketCount: number;
  readonly bucketMs: number;
  readonly thresholds: RateThresholds;
  // Per-slot bucket data; an epoch lives in slot `epoch mod bucketCount`.
  private readonly epochs: Float64Array;
  private readonly bucketCalls: Float64Array;
  private readonly bucketFailures: Float64Array;
  private readonly bucketSlowCalls: Float64Array;
  /** Ring of the slots of non-empty buckets, oldest epoch first. */
  private readonly live: Int32Array;
  private liveStart = 0;
  private liveCount = 0;
  private started = false;
  private headEpoch = 0;
  private calls = 0;
  private failures = 0;
  private slowCalls = 0;

  constructor(options: TimeSlidingWindowOptions) {
    this.windowMs = checkPositive('windowMs', options.windowMs);
    this.bucketCount = checkInteger('bucketCount', options.bucketCount, 1, MAX_TIME_WINDOW_BUCKETS);
    this.bucketMs = this.windowMs / this.bucketCount;
    this.thresholds = resolveRateThresholds(options, Number.POSITIVE_INFINITY);
    this.epochs = new Float64Array(this.bucketCount);
    this.bucketCalls = new Float64Array(this.bucketCount);
    this.bucketFailures = new Float64Array(this.bucketCount);
    this.bucketSlowCalls = new Float64Array(this.bucketCount);
    this.live = new Int32Array(this.bucketCount);
  }

  record(outcome: CallOutcome, nowMs: number): void {
    this.advanceTo(nowMs);
    const slot = this.openHeadBucket();
    const failed = outcome.success ? 0 : 1;
    const slow = outcome.durationMs > this.thresholds.slowCallDurationMs ? 1 : 0;
    this.bucketCalls[slot] = (this.bucketCalls[slot] as number) + 1;
    this.bucketFailures[slot] = (this.bucketFailures[slot] as number) + failed;
    this.bucketSlowCalls[slot] = (this.bucketSlowCalls[slot] as number) + slow;
    this.calls++;
    this.failures += failed;
    this.slowCalls += slow;
  }

  advanceTo(nowMs: number): void {
    if (!Number.isFinite(nowMs)) throw new ConfigError('nowMs', 'be a finite number', nowMs);
    const epoch = Math.floor(nowMs / this.bucketMs);
    if (this.started && epoch <= this.headEpoch) return;
    this.started = true;
    this.headEpoch = epoch;
    const oldestEpoch = epoch - this.bucketCount + 1;
    while (this.liveCount > 0) {
      const slot = this.live[this.liveStart] as number;
      if ((this.epochs[slot] as number) >= oldestEpoch) break;
      this.calls -= this.bucketCalls[slot] as number;
      this.failures -= this.bucketFailures[slot] as number;
      this.slowCalls -= this.bucketSlowCalls[slot] as number;
      this.liveStart = this.liveStart + 1 === this.bucketCount ? 0 : this.liveStart + 1;
      this.liveCount--;
    }
  }

  shouldTrip(): boolean {
    return this.tripReason() !== undefined;
  }

  tripReason(): TripReason | undefined {
    return rateTripReason(this.thresholds, this.calls, this.failures, this.slowCalls);
  }

  snapshot(): WindowSnapshot {
    return rateSnapshot(this.calls, this.failures, this.slowCalls);
  }

  reset(): void {
    this.liveStart = 0;
    this.liveCount = 0;
    this.started = false;
    this.headEpoch = 0;
    this.calls = 0;
    this.failures = 0;
    this.slowCalls = 0;
  }

  state(): BreakerWindowState {
    const buckets: TimeBucketState[] = [];
    for (let i = 0; i < this.liveCount; i++) {
      const slot = this.live[(this.liveStart + i) % this.bucketCount] as number;
      buckets.push({
        epoch: this.epochs[slot] as number,
        calls: this.bucketCalls[slot] as number,
        failures: this.bucketFailures[slot] as number,
        slowCalls: this.bucketSlowCalls[slot] as number,
      });
    }
    return { kind: 'time', headEpoch: this.started ? this.headEpoch : null, buckets };
  }

  restore(state: BreakerWindowState): void {
    if (state.kind !== 'time') throw new ConfigError('state.kind', 'be "time"', state.kind);
    const buckets = checkBuckets(state, this.bucketCount);
    this.reset();
    if (state.headEpoch === null) return;
    this.started = true;
    this.headEpoch = state.headEpoch;
    for (const bucket of buckets) {
      const slot = this.openHeadBucketAt(bucket.epoch);
      this.bucketCalls[slot] = bucket.calls;
      this.bucketFailures[slot] = bucket.failures;
      this.bucketSlowCalls[slot] = bucket.slowCalls;
      this.calls += bucket.calls;
      this.failures += bucket.failures;
      this.slowCalls += bucket.slowCalls;
    }
  }

  /** The slot of the head epoch's bucket, made live (and zeroed) if it is not yet. */
  private openHeadBucket(): number {
    if (this.liveCount > 0) {
      const newest = this.live[(this.liveStart + this.liveCount - 1) % this.bucketCount] as number;
      if (this.epochs[newest] === this.headEpoch) return newest;
    }
    return this.openHeadBucketAt(this.headEpoch);
  }

  /** Appends a zeroed bucket for `epoch`, newer than every live one; its slot's old epoch has expired. */
  private openHeadBucketAt(epoch: number): number {
    const slot = ((epoch % this.bucketCount) + this.bucketCount) % this.bucketCount;
    this.epochs[slot] = epoch;
    this.bucketCalls[slot] = 0;
    this.bucketFailures[slot] = 0;
    this.bucketSlowCalls[slot] = 0;
    this.live[(this.liveStart + this.liveCount) % this.bucketCount] = slot;
    this.liveCount++;
    return slot;
  }
}

/** Checks a {@link TimeWindowState} fits a window of `bucketCount` buckets; returns its buckets. */
function checkBuckets(
  state: { headEpoch: unknown; buckets: unknown },
  bucketCount: number,
): TimeBucketState[] {
  const { headEpoch, buckets } = state;
  if (!Array.isArray(buckets)) throw new ConfigError('state.buckets', 'be an array', buckets);
  if (headEpoch === null) {
    if (buckets.length > 0)
      throw new ConfigError('state.buckets', 'be empty when headEpoch is null', buckets);
    return [];
  }
  const head = checkInteger('state.headEpoch', headEpoch, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  let previous = head - bucketCount;
  return buckets.map((bucket: unknown, index) => {
    const at = `state.buckets[${index}]`;
    if (typeof bucket !== 'object' || bucket === null) throw new ConfigError(at, 'be an object', bucket);
    const fields = bucket as Partial<Record<keyof TimeBucketState, unknown>>;
    const epoch = checkInteger(`${at}.epoch`, fields.epoch, previous + 1, head);
    const calls = checkInteger(`${at}.calls`, fields.calls, 1);
    const failures = checkInteger(`${at}.failures`, fields.failures, 0, calls);
    const slowCalls = checkInteger(`${at}.slowCalls`, fields.slowCalls, 0, calls);
    previous = epoch;
    return { epoch, calls, failures, slowCalls };
  });
}
