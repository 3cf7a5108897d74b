import { ConfigError } from '../errors/config-error.js';
import { checkInteger, checkName, checkNumber, checkOneOf } from '../errors/validate.js';
import type { Rng } from '../random/rng.js';
import { MAX_ATTEMPTS_LIMIT } from '../task/task.js';

/** How a backoff delay is randomized, after AWS's "Exponential Backoff and Jitter". */
export const JITTER_MODES = ['none', 'full', 'equal'] as const;

/**
 * One of {@link JITTER_MODES}, for a capped exponential delay `d`:
 * - `none`: exactly `d` (retries of many callers stay in lockstep; for tests and single callers);
 * - `full`: uniform in `[0, d)`, the least total work under contention;
 * - `equal`: `d/2` plus uniform in `[0, d/2)`, never retries sooner than half the delay.
 */
export type JitterMode = (typeof JITTER_MODES)[number];

/** Options of {@link createRetryPolicy}. */
export interface RetryPolicyOptions {
  /** Attempts in total, counting the first one; an integer in `[1, MAX_ATTEMPTS_LIMIT]`. */
  readonly maxAttempts: number;
  /** Delay before the first retry, before jitter; ≥ 0. */
  readonly baseDelayMs: number;
  /** Cap on the delay before jitter; ≥ `baseDelayMs`. */
  readonly maxDelayMs: number;
  /** Growth factor per failed attempt; ≥ 1, default 2. */
  readonly multiplier?: number;
  readonly jitter: JitterMode;
  /**
   * Error codes that are never retried (e.g. `FLOTILLA_INVALID_CONFIG`). Codes, not classes: errors cross
   * threads and the broker as `{ code, message }`.
   */
  readonly nonRetryableCodes?: readonly string[];
}

/** A validated, frozen retry policy: plain data, so it can be sent to a worker or written to a report. */
export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly multiplier: number;
  readonly jitter: JitterMode;
  readonly nonRetryableCodes: readonly string[];
}

/** Why {@link retryDecision} said not to retry. */
export type RetryStopReason = 'attempts-exhausted' | 'non-retryable';

/** The answer of {@link retryDecision}. */
export type RetryDecision =
  | { readonly retry: true; readonly delayMs: number }
  | { readonly retry: false; readonly reason: RetryStopReason };

/**
 * Validates `options` and returns a frozen {@link RetryPolicy}. Throws a {@link ConfigError} naming the
 * first bad field and its value.
 *
 * @example
 * ```ts
 * const policy = createRetryPolicy({ maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 2_000, jitter: 'full' });
 * policy.multiplier; // 2
 * ```
 */
export function createRetryPolicy(options: RetryPolicyOptions): RetryPolicy {
  if (typeof options !== 'object' || options === null)
    throw new ConfigError('options', 'be an object', options);
  const maxAttempts = checkInteger('maxAttempts', options.maxAttempts, 1, MAX_ATTEMPTS_LIMIT);
  const baseDelayMs = checkNumber('baseDelayMs', options.baseDelayMs, { min: 0 });
  const maxDelayMs = checkNumber('maxDelayMs', options.maxDelayMs, { min: baseDelayMs });
  const multiplier =
    options.multiplier === undefined ? 2 : checkNumber('multiplier', options.multiplier, { min: 1 });
  const jitter = checkOneOf('jitter', options.jitter, JITTER_MODES);
  const codes = options.nonRetryableCodes ?? [];
  if (!Array.isArray(codes)) throw new ConfigError('nonRetryableCodes', 'be an array of strings', codes);
  const nonRetryableCodes = Object.freeze(
    codes.map((code: unknown, index) => checkName(`nonRetryableCodes[${index}]`, code)),
  );
  return Object.freeze({ maxAttempts, baseDelayMs, maxDelayMs, multiplier, jitter, nonRetryableCodes });
}

/**
 * The delay before the retry that follows failed attempt `attempt` (1-based): the capped exponential
 * `d = min(maxDelayMs, baseDelayMs · multiplier^(attempt − 1))`, then jitter. `none` draws nothing from
 * `rng`; `full` and `equal` draw exactly one `rng.next()`, so a seeded stream gives the same delays.
 *
 * @example
 * ```ts
 * const policy = createRetryPolicy({ maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1_000, jitter: 'none' });
 * backoffDelayMs(policy, 1, rng); // 100
 * backoffDelayMs(policy, 3, rng); // 400
 * backoffDelayMs(policy, 9, rng); // 1000 (capped)
 * ```
 */
export function backoffDelayMs(policy: RetryPolicy, attempt: number, rng: Rng): number {
  checkInteger('attempt', attempt, 1);
  const cappedMs = cappedDelayMs(policy, attempt);
  switch (policy.jitter) {
    case 'none':
      return cappedMs;
    case 'full':
      return rng.next() * cappedMs;
    case 'equal': {
      const halfMs = cappedMs / 2;
      // Rounding of halves of tiny (subnormal) delays can land just past the cap; the cap is the promise.
      return Math.min(cappedMs, halfMs + rng.next() * halfMs);
    }
  }
}

/**
 * Whether to retry after failed attempt `attempt` (1-based) ended with `error`, and after how long. A
 * non-retryable code wins over exhausted attempts, so the reason names the error when both apply. The
 * caller schedules the retry on its own `Clock`; nothing here sets a timer.
 *
 * @example
 * ```ts
 * const policy = createRetryPolicy({
 *   maxAttempts: 3, baseDelayMs: 50, maxDelayMs: 500, jitter: 'equal', nonRetryableCodes: ['BAD_INPUT'],
 * });
 * retryDecision(policy, 1, { code: 'TIMEOUT' }, rng); // { retry: true, delayMs: 25..50 }
 * retryDecision(policy, 1, { code: 'BAD_INPUT' }, rng); // { retry: false, reason: 'non-retryable' }
 * retryDecision(policy, 3, { code: 'TIMEOUT' }, rng); // { retry: false, reason: 'attempts-exhausted' }
 * ```
 */
export function retryDecision(
  policy: RetryPolicy,
  attempt: number,
  error: { readonly code?: string | undefined },
  rng: Rng,
): RetryDecision {
  checkInteger('attempt', attempt, 1);
  if (error.code !== undefined && policy.nonRetryableCodes.includes(error.code)) {
    return { retry: false, reason: 'non-retryable' };
  }
  if (attempt >= policy.maxAttempts) return { retry: false, reason: 'attempts-exhausted' };
  return { retry: true, delayMs: backoffDelayMs(policy, attempt, rng) };
}

/** `min(maxDelayMs, baseDelayMs · multiplier^(attempt − 1))`, safe against overflow. */
function cappedDelayMs(policy: RetryPolicy, attempt: number): number {
  // 0 · Infinity is NaN: a zero base stays zero however far the exponent overflows.
  if (policy.baseDelayMs === 0) return 0;
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * policy.multiplier ** (attempt - 1));
}
