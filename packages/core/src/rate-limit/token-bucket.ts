import { ConfigError } from '../errors/config-error.js';
import { checkNumber, checkPositive } from '../errors/validate.js';

/** Options of a {@link TokenBucket}. */
export interface TokenBucketOptions {
  /** Most tokens the bucket holds: the largest burst, and the largest amount one call may take. */
  readonly capacity: number;
  /** Tokens added per second of clock time, up to `capacity`. */
  readonly refillPerSec: number;
  /** Tokens held at the start. Default `capacity`. */
  readonly initialTokens?: number;
  /** Time at which the bucket holds `initialTokens`. Default: the first `nowMs` any method is given. */
  readonly startMs?: number;
}

/** Serializable state of a {@link TokenBucket}: plain JSON, for {@link TokenBucket.restore}. */
export interface TokenBucketState {
  /** Tokens held at `updatedAtMs`. */
  readonly tokens: number;
  /** Clock time of the last refill; `null` if the bucket has not seen a time yet. */
  readonly updatedAtMs: number | null;
}

/**
 * A token bucket driven by the caller's clock: it never sleeps, sets no timer and reads no time. Each call
 * passes `nowMs`; the bucket refills lazily by `refillPerSec` × elapsed time, up to `capacity`.
 *
 * `tryTake` answers at once: 0 if the amount was admitted and consumed, otherwise how many milliseconds
 * to wait, having consumed nothing (so a refused caller cannot starve others by holding a reservation).
 * The wait is exact to the last bit: calling again at `nowMs + wait` is admitted if nothing else was taken
 * in between. Time going backwards (a `nowMs` earlier than one already seen) refills nothing, so a
 * non-monotonic clock cannot mint tokens.
 *
 * @example
 * ```ts
 * const bucket = new TokenBucket({ capacity: 10, refillPerSec: 5, startMs: 0 });
 * bucket.tryTake(10, 0); // 0: admitted, bucket empty
 * bucket.tryTake(1, 0); // 200: one token refills in 200 ms
 * bucket.tryTake(1, 200); // 0
 * bucket.tryTake(11, 200); // throws ConfigError "amount must be ≤ 10 (the bucket capacity), got 11"
 * ```
 */
export class TokenBucket {
  /** Most tokens the bucket holds. */
  readonly capacity: number;
  /** Tokens added per second. */
  readonly refillPerSec: number;
  private readonly refillPerMs: number;
  private tokens: number;
  private updatedAtMs: number;
  private started: boolean;

  constructor(options: TokenBucketOptions) {
    this.capacity = checkPositive('capacity', options.capacity);
    this.refillPerSec = checkPositive('refillPerSec', options.refillPerSec);
    this.refillPerMs = this.refillPerSec / 1000;
    this.tokens = checkNumber('initialTokens', options.initialTokens ?? this.capacity, {
      min: 0,
      max: this.capacity,
    });
    this.started = options.startMs !== undefined;
    this.updatedAtMs = options.startMs === undefined ? 0 : checkNumber('startMs', options.startMs);
  }

  /**
   * A bucket with `options` continuing from a saved {@link TokenBucket.state}. A state saved under a larger
   * capacity is capped at this one's.
   *
   * @example
   * ```ts
   * const saved = JSON.stringify(bucket.state());
   * const copy = TokenBucket.restore(options, JSON.parse(saved)); // behaves exactly like `bucket`
   * ```
   */
  static restore(options: TokenBucketOptions, state: TokenBucketState): TokenBucket {
    const bucket = new TokenBucket(options);
    const tokens = checkNumber('state.tokens', state.tokens, { min: 0 });
    bucket.tokens = Math.min(tokens, bucket.capacity);
    if (state.updatedAtMs !== null) {
      bucket.updatedAtMs = checkNumber('state.updatedAtMs', state.updatedAtMs);
      bucket.started = true;
    } else {
      bucket.started = false;
    }
    return bucket;
  }

  /**
   * Takes `amount` tokens if the bucket holds them at `nowMs` and returns 0; otherwise takes nothing and
   * returns the milliseconds (> 0) until it would hold them. Throws a {@link ConfigError} if `amount` is
   * negative or exceeds `capacity` (it could never be admitted), or if `nowMs` is not finite.
   */
  tryTake(amount: number, nowMs: number): number {
    this.check(amount, nowMs);
    const tokens = this.tokensAt(nowMs);
    if (tokens < amount) return this.waitFor(amount, nowMs, tokens);
    this.tokens = tokens - amount;
    if (nowMs > this.updatedAtMs) this.updatedAtMs = nowMs;
    return 0;
  }

  /** What {@link TokenBucket.tryTake} would return at `nowMs`, without taking anything. */
  waitMs(amount: number, nowMs: number): number {
    this.check(amount, nowMs);
    const tokens = this.tokensAt(nowMs);
    return tokens < amount ? this.waitFor(amount, nowMs, tokens) : 0;
  }

  /** Tokens the bucket holds at `nowMs`, without taking any. */
  available(nowMs: number): number {
    this.check(0, nowMs);
    return this.tokensAt(nowMs);
  }

  /** The bucket's state, plain JSON; {@link TokenBucket.restore} continues from it. */
  state(): TokenBucketState {
    return { tokens: this.tokens, updatedAtMs: this.started ? this.updatedAtMs : null };
  }

  private check(amount: number, nowMs: number): void {
    if (nowMs - nowMs !== 0) throw new ConfigError('nowMs', 'be a finite number', nowMs);
    if (!(amount >= 0 && amount <= this.capacity)) {
      if (amount > this.capacity) {
        throw new ConfigError('amount', `be ≤ ${this.capacity} (the bucket capacity)`, amount);
      }
      throw new ConfigError('amount', 'be a finite number ≥ 0', amount);
    }
    if (!this.started) {
      this.started = true;
      this.updatedAtMs = nowMs;
    }
  }

  /** The one refill formula; `tryTake` and `waitFor` must agree on it bit for bit. */
  private tokensAt(nowMs: number): number {
    const elapsedMs = nowMs - this.updatedAtMs;
    if (!(elapsedMs > 0)) return this.tokens;
    const refilled = this.tokens + elapsedMs * this.refillPerMs;
    return refilled < this.capacity ? refilled : this.capacity;
  }

  private waitFor(amount: number, nowMs: number, tokens: number): number {
    // Refill resumes at updatedAtMs if the clock has gone back behind it.
    const behindMs = this.updatedAtMs > nowMs ? this.updatedAtMs - nowMs : 0;
    let waitMs = behindMs + (amount - tokens) / this.refillPerMs;
    // The division is rounded, and so is the caller's `nowMs + waitMs`: check the exact time the caller
    // will pass back against the refill formula, and nudge later (doubling the nudge) until it admits.
    let stepMs = Math.max(Math.abs(nowMs + waitMs), 1) * Number.EPSILON;
    while (this.tokensAt(nowMs + waitMs) < amount) {
      waitMs += stepMs;
      stepMs *= 2;
    }
    return waitMs;
  }
}
