/**
 * The contract every breaker window meets. A window only counts and answers "should the breaker trip?";
 * the breaker's states (closed, open, half-open) and their timers live in the breaker machine of
 * `@flotilla/actors`, which feeds a window while closed and resets it on every transition.
 */

/** One finished call, as a breaker window sees it. */
export interface CallOutcome {
  readonly success: boolean;
  /** How long the call took, for slow-call detection. */
  readonly durationMs: number;
}

/** Why a window says to trip. */
export type TripReason = 'consecutive-failures' | 'failure-rate' | 'slow-call-rate';

/** The kinds of breaker window; the `kind` of a {@link BreakerWindowSpec}. */
export type BreakerWindowKind = 'consecutive' | 'count' | 'time';

/** What a window currently holds, for stats. Rates are 0 when `calls` is 0. */
export interface WindowSnapshot {
  readonly calls: number;
  readonly failures: number;
  /** Calls (successful or not) that took longer than the slow-call duration. */
  readonly slowCalls: number;
  /** `failures / calls`, in `[0, 1]`. */
  readonly failureRate: number;
  /** `slowCalls / calls`, in `[0, 1]`. */
  readonly slowCallRate: number;
}

/** Serializable state of a {@link ConsecutiveFailureWindow}. */
export interface ConsecutiveWindowState {
  readonly kind: 'consecutive';
  readonly consecutiveFailures: number;
}

/**
 * Serializable state of a {@link CountSlidingWindow}: the calls it holds, oldest first, as flags — bit 0
 * set for a failure ({@link CALL_FAILED}), bit 1 for a slow call ({@link CALL_SLOW}).
 */
export interface CountWindowState {
  readonly kind: 'count';
  readonly calls: readonly number[];
}

/** One non-empty bucket of a {@link TimeSlidingWindow}; `epoch` is `floor(nowMs / bucketMs)`. */
export interface TimeBucketState {
  readonly epoch: number;
  readonly calls: number;
  readonly failures: number;
  readonly slowCalls: number;
}

/** Serializable state of a {@link TimeSlidingWindow}: its newest epoch and its non-empty buckets, oldest first. */
export interface TimeWindowState {
  readonly kind: 'time';
  /** The newest bucket epoch seen, or `null` before the first call. */
  readonly headEpoch: number | null;
  readonly buckets: readonly TimeBucketState[];
}

/** Serializable state of any {@link BreakerWindow}, tagged by `kind`. */
export type BreakerWindowState = ConsecutiveWindowState | CountWindowState | TimeWindowState;

/** Flag of a failed call in {@link CountWindowState.calls}. */
export const CALL_FAILED = 1;
/** Flag of a slow call in {@link CountWindowState.calls}. */
export const CALL_SLOW = 2;

/**
 * A breaker window (resilience4j semantics): fed one outcome per finished call, answers whether the breaker
 * should trip. Every method is O(1) or amortized O(1); nothing reads a clock, time comes in as `nowMs`.
 *
 * @example
 * ```ts
 * const window: BreakerWindow = createBreakerWindow({ kind: 'consecutive', threshold: 3 });
 * window.record({ success: false, durationMs: 12 }, clock.now());
 * if (window.shouldTrip()) breaker.send({ type: 'TRIP', reason: window.tripReason() });
 * ```
 */
export interface BreakerWindow {
  readonly kind: BreakerWindowKind;
  /** Counts one finished call that ended at `nowMs`. */
  record(outcome: CallOutcome, nowMs: number): void;
  /** Rolls time-based windows forward to `nowMs` without recording (a no-op for the others). */
  advanceTo(nowMs: number): void;
  /** True when the window's thresholds are met; same as `tripReason() !== undefined`. */
  shouldTrip(): boolean;
  /** Why the window trips, or `undefined` when it does not. */
  tripReason(): TripReason | undefined;
  /** What the window holds, for stats. */
  snapshot(): WindowSnapshot;
  /** Forgets every recorded call. */
  reset(): void;
  /** The window's contents, serializable as JSON. */
  state(): BreakerWindowState;
  /**
   * Replaces the contents with `state` (from a window of the same kind and options). Throws a
   * `ConfigError` naming the bad field and changes nothing when `state` does not fit.
   */
  restore(state: BreakerWindowState): void;
}
