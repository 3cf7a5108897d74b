import { ConfigError } from '../errors/config-error.js';
import { checkInteger } from '../errors/validate.js';
import {
  CALL_FAILED,
  CALL_SLOW,
  type BreakerWindow,
  type BreakerWindowState,
  type CallOutcome,
  type TripReason,
  type WindowSnapshot,
} from './breaker-window.js';
import {
  rateSnapshot,
  rateTripReason,
  resolveRateThresholds,
  type RateThresholdOptions,
  type RateThresholds,
} from './rate-thresholds.js';

/** Largest accepted `size` of a {@link CountSlidingWindow} (one byte per call). */
export const MAX_COUNT_WINDOW_SIZE = 1 << 20;

/** Options of a {@link CountSlidingWindow}. */
export interface CountSlidingWindowOptions extends RateThresholdOptions {
  /** Number of most recent calls the window holds; an integer in `[1, MAX_COUNT_WINDOW_SIZE]`. */
  readonly size: number;
}

/**
 * resilience4j's count-based sliding window: the last `size` calls in a ring buffer of one flag byte each,
 * with running totals updated as a call enters and the oldest leaves, so `record` is O(1) and never
 * rescans the ring. Trips once it holds `minimumCalls` calls and the failure rate (or slow-call rate)
 * reaches its threshold.
 *
 * @example
 * ```ts
 * const window = new CountSlidingWindow({ size: 10, minimumCalls: 4, failureRateThreshold: 0.5 });
 * for (const success of [true, false, true, false]) window.record({ success, durationMs: 20 }, 0);
 * window.snapshot().failureRate; // 0.5
 * window.tripReason(); // 'failure-rate'
 * ```
 */
export class CountSlidingWindow implements BreakerWindow {
  readonly kind = 'count';
  readonly size: number;
  readonly thresholds: RateThresholds;
  private readonly ring: Uint8Array;
  /** Index where the next call is written; the oldest call sits at `head − count` (mod size). */
  private head = 0;
  private count = 0;
  private failures = 0;
  private slowCalls = 0;

  constructor(options: CountSlidingWindowOptions) {
    this.size = checkInteger('size', options.size, 1, MAX_COUNT_WINDOW_SIZE);
    this.thresholds = resolveRateThresholds(options, this.size);
    this.ring = new Uint8Array(this.size);
  }

  record(outcome: CallOutcome, _nowMs: number): void {
    const flags =
      (outcome.success ? 0 : CALL_FAILED) |
      (outcome.durationMs > this.thresholds.slowCallDurationMs ? CALL_SLOW : 0);
    if (this.count === this.size) {
      const evicted = this.ring[this.head] as number;
      this.failures -= evicted & CALL_FAILED;
      this.slowCalls -= (evicted & CALL_SLOW) >> 1;
    } else {
      this.count++;
    }
    this.ring[this.head] = flags;
    this.failures += flags & CALL_FAILED;
    this.slowCalls += (flags & CALL_SLOW) >> 1;
    this.head = this.head + 1 === this.size ? 0 : this.head + 1;
  }

  advanceTo(_nowMs: number): void {}

  shouldTrip(): boolean {
    return this.tripReason() !== undefined;
  }

  tripReason(): TripReason | undefined {
    return rateTripReason(this.thresholds, this.count, this.failures, this.slowCalls);
  }

  snapshot(): WindowSnapshot {
    return rateSnapshot(this.count, this.failures, this.slowCalls);
  }

  reset(): void {
    this.head = 0;
    this.count = 0;
    this.failures = 0;
    this.slowCalls = 0;
  }

  state(): BreakerWindowState {
    const calls: number[] = [];
    let at = this.oldestIndex();
    for (let i = 0; i < this.count; i++) {
      calls.push(this.ring[at] as number);
      at = at + 1 === this.size ? 0 : at + 1;
    }
    return { kind: 'count', calls };
  }

  restore(state: BreakerWindowState): void {
    if (state.kind !== 'count') throw new ConfigError('state.kind', 'be "count"', state.kind);
    const calls: unknown = state.calls;
    if (!Array.isArray(calls)) throw new ConfigError('state.calls', 'be an array', calls);
    if (calls.length > this.size)
      throw new ConfigError('state.calls.length', `be ≤ size (${this.size})`, calls.length);
    // Validate everything before touching the ring: a bad state changes nothing.
    calls.forEach((flags: unknown, index) =>
      checkInteger(`state.calls[${index}]`, flags, 0, CALL_FAILED | CALL_SLOW),
    );
    this.reset();
    for (const flags of calls as number[]) {
      this.ring[this.count++] = flags;
      this.failures += flags & CALL_FAILED;
      this.slowCalls += (flags & CALL_SLOW) >> 1;
    }
    this.head = this.count === this.size ? 0 : this.count;
  }

  private oldestIndex(): number {
    const start = this.head - this.count;
    return start < 0 ? start + this.size : start;
  }
}
