import { ConfigError } from '../errors/config-error.js';
import { checkInteger, checkNumber } from '../errors/validate.js';
import type { TripReason, WindowSnapshot } from './breaker-window.js';

/** Thresholds shared by the rate-based windows (count and time sliding). */
export interface RateThresholdOptions {
  /** No verdict before the window holds this many calls; an integer ≥ 1. */
  readonly minimumCalls: number;
  /** Trip when `failures / calls` reaches this; in `(0, 1]`. */
  readonly failureRateThreshold: number;
  /** Trip when `slowCalls / calls` reaches this; in `(0, 1]`. Needs `slowCallDurationMs`. */
  readonly slowCallRateThreshold?: number;
  /**
   * A call is slow when it takes strictly longer than this (as in resilience4j). Alone, it only feeds
   * `slowCalls` in the snapshot; with `slowCallRateThreshold` it can also trip the window.
   */
  readonly slowCallDurationMs?: number;
}

/** Validated {@link RateThresholdOptions}; absent slow-call settings become `Infinity` (never). */
export interface RateThresholds {
  readonly minimumCalls: number;
  readonly failureRateThreshold: number;
  readonly slowCallRateThreshold: number;
  readonly slowCallDurationMs: number;
}

/**
 * Validates the rate thresholds of a window holding at most `maxCalls` calls (`Infinity` for a time
 * window). `minimumCalls` above `maxCalls` is refused rather than clamped as resilience4j does: such a
 * window could never trip, which is a configuration mistake worth hearing about.
 *
 * @example
 * ```ts
 * resolveRateThresholds({ minimumCalls: 10, failureRateThreshold: 0.5 }, 100).slowCallRateThreshold; // Infinity
 * ```
 */
export function resolveRateThresholds(options: RateThresholdOptions, maxCalls: number): RateThresholds {
  const minimumCalls = checkInteger(
    'minimumCalls',
    options.minimumCalls,
    1,
    maxCalls === Number.POSITIVE_INFINITY ? undefined : maxCalls,
  );
  const failureRateThreshold = checkRate('failureRateThreshold', options.failureRateThreshold);
  const slowCallRateThreshold =
    options.slowCallRateThreshold === undefined
      ? Number.POSITIVE_INFINITY
      : checkRate('slowCallRateThreshold', options.slowCallRateThreshold);
  const slowCallDurationMs =
    options.slowCallDurationMs === undefined
      ? Number.POSITIVE_INFINITY
      : checkNumber('slowCallDurationMs', options.slowCallDurationMs, { min: 0 });
  if (options.slowCallRateThreshold !== undefined && options.slowCallDurationMs === undefined) {
    throw new ConfigError('slowCallDurationMs', 'be set when slowCallRateThreshold is set', undefined);
  }
  return { minimumCalls, failureRateThreshold, slowCallRateThreshold, slowCallDurationMs };
}

/**
 * The verdict over aggregated counts: nothing below `minimumCalls`, then failure rate before slow-call rate
 * (a window that meets both reports `failure-rate`).
 *
 * @example
 * ```ts
 * rateTripReason(thresholds, 20, 12, 0); // 'failure-rate' when failureRateThreshold ≤ 0.6
 * ```
 */
export function rateTripReason(
  thresholds: RateThresholds,
  calls: number,
  failures: number,
  slowCalls: number,
): TripReason | undefined {
  if (calls < thresholds.minimumCalls) return undefined;
  if (failures / calls >= thresholds.failureRateThreshold) return 'failure-rate';
  if (slowCalls / calls >= thresholds.slowCallRateThreshold) return 'slow-call-rate';
  return undefined;
}

/**
 * A {@link WindowSnapshot} of aggregated counts.
 *
 * @example
 * ```ts
 * rateSnapshot(4, 1, 2); // { calls: 4, failures: 1, slowCalls: 2, failureRate: 0.25, slowCallRate: 0.5 }
 * ```
 */
export function rateSnapshot(calls: number, failures: number, slowCalls: number): WindowSnapshot {
  return {
    calls,
    failures,
    slowCalls,
    failureRate: calls === 0 ? 0 : failures / calls,
    slowCallRate: calls === 0 ? 0 : slowCalls / calls,
  };
}

function checkRate(field: string, value: unknown): number {
  if (typeof value !== 'number' || !(value > 0 && value <= 1))
    throw new ConfigError(field, 'be in (0, 1]', value);
  return value;
}
