import { ConfigError } from '../errors/config-error.js';
import { checkNumber, checkPositive } from '../errors/validate.js';
import { TokenBucket, type TokenBucketOptions, type TokenBucketState } from './token-bucket.js';

/** `limit` units per `intervalMs`, with bursts of up to `burst` units (default `limit`). */
export interface RateLimit {
  readonly limit: number;
  readonly intervalMs: number;
  readonly burst?: number;
}

/** Options of a {@link RateLimiter}; at least one of the two limits must be set. */
export interface RateLimiterOptions {
  /** Requests admitted, one per `tryAcquire`, e.g. `{ limit: 500, intervalMs: 60_000 }` for 500 RPM. */
  readonly requests?: RateLimit;
  /** Cost admitted, the sum of `cost` arguments, e.g. LLM tokens: `{ limit: 90_000, intervalMs: 60_000 }`. */
  readonly cost?: RateLimit;
  /** Time at which both buckets are full. Default: the first `nowMs` the limiter is given. */
  readonly startMs?: number;
}

/** Serializable state of a {@link RateLimiter}, for {@link RateLimiter.restore}. */
export interface RateLimiterState {
  readonly requests?: TokenBucketState;
  readonly cost?: TokenBucketState;
}

/**
 * A two-dimensional rate limit, like an LLM provider's "requests per minute" and "tokens per minute":
 * a request is admitted only if both its bucket and the cost bucket admit it, and then both are charged
 * together. A refusal charges neither, so a cheap request is never billed against a dimension that made
 * it wait. Driven by the caller's clock like {@link TokenBucket}; no reservations, no timers.
 *
 * @example
 * ```ts
 * const limiter = new RateLimiter({
 *   requests: { limit: 500, intervalMs: 60_000 },
 *   cost: { limit: 90_000, intervalMs: 60_000 },
 * });
 * const waitMs = limiter.tryAcquire(1_200, clock.now()); // 0: send now; else retry after waitMs
 * ```
 */
export class RateLimiter {
  private readonly requestBucket: TokenBucket | undefined;
  private readonly costBucket: TokenBucket | undefined;

  constructor(options: RateLimiterOptions, state: RateLimiterState = {}) {
    if (options.requests === undefined && options.cost === undefined) {
      throw new ConfigError('requests', 'be set when cost is not (a limiter needs a limit)', undefined);
    }
    this.requestBucket =
      options.requests === undefined
        ? undefined
        : bucketOf('requests', options.requests, options.startMs, state.requests);
    this.costBucket =
      options.cost === undefined ? undefined : bucketOf('cost', options.cost, options.startMs, state.cost);
  }

  /**
   * A limiter with `options` continuing from a saved {@link RateLimiter.state}.
   *
   * @example
   * ```ts
   * const copy = RateLimiter.restore(options, JSON.parse(JSON.stringify(limiter.state())));
   * ```
   */
  static restore(options: RateLimiterOptions, state: RateLimiterState): RateLimiter {
    return new RateLimiter(options, state);
  }

  /**
   * Admits one request costing `cost` at `nowMs` and returns 0, charging both buckets; or charges nothing
   * and returns the milliseconds until both would admit it (the larger of the two waits). Throws a
   * {@link ConfigError} if `cost` is negative or exceeds the cost burst (it could never be admitted).
   */
  tryAcquire(cost: number, nowMs: number): number {
    const waitMs = this.waitMs(cost, nowMs);
    if (waitMs > 0) return waitMs;
    // Both buckets admitted at this very nowMs and nothing ran in between, so both takes succeed.
    this.requestBucket?.tryTake(1, nowMs);
    this.costBucket?.tryTake(cost, nowMs);
    return 0;
  }

  /** What {@link RateLimiter.tryAcquire} would return at `nowMs`, without charging anything. */
  waitMs(cost: number, nowMs: number): number {
    checkNumber('cost', cost, { min: 0 });
    const costBucket = this.costBucket;
    if (costBucket !== undefined && cost > costBucket.capacity) {
      throw new ConfigError('cost', `be ≤ ${costBucket.capacity} (the cost burst)`, cost);
    }
    const requestWaitMs = this.requestBucket === undefined ? 0 : this.requestBucket.waitMs(1, nowMs);
    const costWaitMs = costBucket === undefined ? 0 : costBucket.waitMs(cost, nowMs);
    return Math.max(requestWaitMs, costWaitMs);
  }

  /** Requests and cost available at `nowMs`; `Infinity` for a dimension without a limit. */
  available(nowMs: number): { readonly requests: number; readonly cost: number } {
    return {
      requests:
        this.requestBucket === undefined ? Number.POSITIVE_INFINITY : this.requestBucket.available(nowMs),
      cost: this.costBucket === undefined ? Number.POSITIVE_INFINITY : this.costBucket.available(nowMs),
    };
  }

  /** The limiter's state, plain JSON; {@link RateLimiter.restore} continues from it. */
  state(): RateLimiterState {
    return {
      ...(this.requestBucket === undefined ? {} : { requests: this.requestBucket.state() }),
      ...(this.costBucket === undefined ? {} : { cost: this.costBucket.state() }),
    };
  }
}

function bucketOf(
  field: 'requests' | 'cost',
  limit: RateLimit,
  startMs: number | undefined,
  state: TokenBucketState | undefined,
): TokenBucket {
  const perInterval = checkPositive(`${field}.limit`, limit.limit);
  const intervalMs = checkPositive(`${field}.intervalMs`, limit.intervalMs);
  const burstField = limit.burst === undefined ? `${field}.limit` : `${field}.burst`;
  const capacity = checkPositive(burstField, limit.burst ?? perInterval);
  // A request takes one token: a bucket that holds less than one would refuse every request forever.
  if (field === 'requests' && capacity < 1) {
    throw new ConfigError(burstField, 'be ≥ 1 (one request)', capacity);
  }
  const options: TokenBucketOptions = {
    capacity,
    refillPerSec: (perInterval * 1000) / intervalMs,
    ...(startMs === undefined ? {} : { startMs }),
  };
  return state === undefined ? new TokenBucket(options) : TokenBucket.restore(options, state);
}
