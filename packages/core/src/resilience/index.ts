export {
  createRetryPolicy,
  backoffDelayMs,
  retryDecision,
  JITTER_MODES,
  type JitterMode,
  type RetryPolicyOptions,
  type RetryPolicy,
  type RetryDecision,
  type RetryStopReason,
} from './retry.js';
export {
  CALL_FAILED,
  CALL_SLOW,
  type BreakerWindow,
  type BreakerWindowKind,
  type BreakerWindowState,
  type CallOutcome,
  type ConsecutiveWindowState,
  type CountWindowState,
  type TimeBucketState,
  type TimeWindowState,
  type TripReason,
  type WindowSnapshot,
} from './breaker-window.js';
export type { RateThresholdOptions, RateThresholds } from './rate-thresholds.js';
export {
  ConsecutiveFailureWindow,
  type ConsecutiveFailureWindowOptions,
} from './consecutive-failure-window.js';
export {
  CountSlidingWindow,
  MAX_COUNT_WINDOW_SIZE,
  type CountSlidingWindowOptions,
} from './count-sliding-window.js';
export {
  TimeSlidingWindow,
  MAX_TIME_WINDOW_BUCKETS,
  type TimeSlidingWindowOptions,
} from './time-sliding-window.js';
export {
  createBreakerWindow,
  BREAKER_WINDOW_KINDS,
  type BreakerWindowSpec,
} from './create-breaker-window.js';
export { canEject, maxEjectedCount } from './max-ejected-share.js';
