import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isConfigError } from '../../src/errors/config-error.js';
import { TokenBucket, type TokenBucketOptions } from '../../src/rate-limit/token-bucket.js';

/** A bucket configuration, with awkward (non-representable) rates as well as round ones. */
const optionsArb = fc.record({
  capacity: fc.oneof(fc.integer({ min: 1, max: 5000 }), fc.double({ min: 0.5, max: 5000, noNaN: true })),
  refillPerSec: fc.oneof(fc.integer({ min: 1, max: 2000 }), fc.double({ min: 0.01, max: 2000, noNaN: true })),
});

/** A request: how far the clock moved since the previous one, and the share of the capacity asked for. */
const stepArb = fc.record({
  advanceMs: fc.oneof(
    fc.constant(0),
    fc.integer({ min: 0, max: 3000 }),
    fc.double({ min: 0, max: 3000, noNaN: true }),
  ),
  share: fc.oneof(fc.constant(1), fc.double({ min: 0, max: 1, noNaN: true })),
});

/** Clock origins far from zero make `now + wait` round, which is where a naive wait falls short. */
const startArb = fc.oneof(fc.constant(0), fc.double({ min: -1e6, max: 1e12, noNaN: true }));

function expectConfigError(run: () => unknown, field: string): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(isConfigError(caught), `expected a ConfigError naming ${field}`).toBe(true);
  expect((caught as { field: string }).field).toBe(field);
}

describe('TokenBucket', () => {
  it('admits a burst, then answers with the refill time', () => {
    const bucket = new TokenBucket({ capacity: 10, refillPerSec: 5, startMs: 0 });
    expect(bucket.tryTake(10, 0)).toBe(0);
    expect(bucket.tryTake(1, 0)).toBe(200);
    expect(bucket.tryTake(1, 100)).toBe(100);
    expect(bucket.tryTake(1, 200)).toBe(0);
    expect(bucket.available(10_000)).toBe(10);
    expect(bucket.tryTake(0, 200)).toBe(0);
  });

  it('never admits more than refillPerSec · t + capacity in [start, start + t]', () => {
    fc.assert(
      fc.property(
        optionsArb,
        startArb,
        fc.array(stepArb, { minLength: 5, maxLength: 60, size: 'medium' }),
        (options, startMs, steps) => {
          const bucket = new TokenBucket({ ...options, startMs });
          let nowMs = startMs;
          let admitted = 0;
          for (const { advanceMs, share } of steps) {
            nowMs += advanceMs;
            const amount = share * options.capacity;
            if (bucket.tryTake(amount, nowMs) === 0) admitted += amount;
            const bound = (options.refillPerSec * (nowMs - startMs)) / 1000 + options.capacity;
            expect(admitted).toBeLessThanOrEqual(bound * (1 + 1e-9) + 1e-9);
          }
        },
      ),
    );
  });

  it('admits at now + wait, and the wait is no longer than needed', () => {
    fc.assert(
      fc.property(
        optionsArb,
        startArb,
        fc.array(stepArb, { maxLength: 30 }),
        stepArb,
        (options, startMs, steps, last) => {
          const bucket = new TokenBucket({ ...options, startMs });
          let nowMs = startMs;
          for (const { advanceMs, share } of steps) {
            nowMs += advanceMs;
            bucket.tryTake(share * options.capacity, nowMs);
          }
          nowMs += last.advanceMs;
          const amount = last.share * options.capacity;
          const before = bucket.available(nowMs);
          const peekedMs = bucket.waitMs(amount, nowMs);
          const waitMs = bucket.tryTake(amount, nowMs);
          expect(waitMs).toBe(peekedMs);
          if (waitMs === 0) {
            expect(before).toBeGreaterThanOrEqual(amount);
            return;
          }
          expect(waitMs).toBeGreaterThan(0);
          const exactMs = ((amount - before) * 1000) / options.refillPerSec;
          // Beyond the exact wait, only a few ulps of the clock and of the tokens (turned into time) are allowed.
          const fillMs = (options.capacity * 1000) / options.refillPerSec;
          const slackMs = 64 * Number.EPSILON * (Math.abs(nowMs) + exactMs + fillMs);
          expect(waitMs).toBeLessThanOrEqual(exactMs * (1 + 1e-12) + slackMs);
          expect(bucket.tryTake(amount, nowMs + waitMs)).toBe(0);
        },
      ),
    );
  });

  it('a refused take changes nothing', () => {
    fc.assert(
      fc.property(optionsArb, fc.array(stepArb, { minLength: 10, maxLength: 40 }), (options, steps) => {
        const bucket = new TokenBucket({ ...options, startMs: 0 });
        let nowMs = 0;
        for (const { advanceMs, share } of steps) {
          nowMs += advanceMs;
          const before = bucket.state();
          if (bucket.tryTake(share * options.capacity, nowMs) > 0) expect(bucket.state()).toEqual(before);
        }
      }),
    );
  });

  it('continues identically after a JSON round trip of state()', () => {
    fc.assert(
      fc.property(
        optionsArb,
        fc.array(stepArb, { maxLength: 30 }),
        fc.array(stepArb, { maxLength: 30 }),
        fc.boolean(),
        (options, prefix, suffix, anchored) => {
          const config: TokenBucketOptions = { ...options, initialTokens: options.capacity / 2 };
          const original = new TokenBucket(anchored ? { ...config, startMs: 5 } : config);
          let nowMs = 10;
          for (const { advanceMs, share } of prefix) {
            nowMs += advanceMs;
            original.tryTake(share * options.capacity, nowMs);
          }
          const copy = TokenBucket.restore(config, JSON.parse(JSON.stringify(original.state())));
          expect(copy.state()).toEqual(original.state());
          for (const { advanceMs, share } of suffix) {
            nowMs += advanceMs;
            const amount = share * options.capacity;
            expect(copy.tryTake(amount, nowMs)).toBe(original.tryTake(amount, nowMs));
          }
          expect(copy.state()).toEqual(original.state());
        },
      ),
    );
  });

  it('mints nothing when time goes backwards', () => {
    const bucket = new TokenBucket({ capacity: 4, refillPerSec: 1, startMs: 0 });
    expect(bucket.tryTake(4, 1000)).toBe(0);
    expect(bucket.available(0)).toBe(0);
    expect(bucket.tryTake(1, 0)).toBe(2000); // refill resumes at 1000, the latest time seen
    expect(bucket.available(1000)).toBe(0);
    expect(bucket.tryTake(1, 2000)).toBe(0);
  });

  it('never admits more than the bound over the latest time seen, whatever order times arrive in', () => {
    // A short time range against a one-second refill: a bucket that re-credits time it has already
    // credited overshoots the bound within a few back-and-forth steps.
    const requestArb = fc.record({
      nowMs: fc.integer({ min: 0, max: 3000 }),
      share: fc.double({ min: 0, max: 0.5, noNaN: true }),
    });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100 }),
        fc.array(requestArb, { minLength: 20, maxLength: 100 }),
        (capacity, requests) => {
          const bucket = new TokenBucket({ capacity, refillPerSec: capacity, startMs: 0 });
          let latestMs = 0;
          let admitted = 0;
          for (const { nowMs, share } of requests) {
            latestMs = Math.max(latestMs, nowMs);
            const amount = share * capacity;
            if (bucket.tryTake(amount, nowMs) === 0) admitted += amount;
            const bound = (capacity * latestMs) / 1000 + capacity;
            expect(admitted).toBeLessThanOrEqual(bound * (1 + 1e-9));
            expect(bucket.available(nowMs)).toBeLessThanOrEqual(bucket.available(latestMs));
          }
        },
      ),
    );
  });

  it('starts refilling at the first time it sees when startMs is omitted', () => {
    const bucket = new TokenBucket({ capacity: 10, refillPerSec: 10, initialTokens: 0 });
    expect(bucket.state()).toEqual({ tokens: 0, updatedAtMs: null });
    expect(bucket.tryTake(1, 1_000_000)).toBe(100);
    expect(bucket.state()).toEqual({ tokens: 0, updatedAtMs: 1_000_000 });
    expect(bucket.tryTake(1, 1_000_100)).toBe(0);
  });

  it('rejects an amount above capacity, naming it, and changes nothing', () => {
    const bucket = new TokenBucket({ capacity: 4000, refillPerSec: 100, startMs: 0 });
    const before = bucket.state();
    expect(() => bucket.tryTake(5000, 10)).toThrow('amount must be ≤ 4000 (the bucket capacity), got 5000');
    expectConfigError(() => bucket.tryTake(-1, 10), 'amount');
    expectConfigError(() => bucket.tryTake(Number.NaN, 10), 'amount');
    expectConfigError(() => bucket.waitMs(4001, 10), 'amount');
    expectConfigError(() => bucket.tryTake(1, Number.NaN), 'nowMs');
    expect(bucket.state()).toEqual(before);
  });

  it('rejects invalid options, naming the field', () => {
    const valid = { capacity: 10, refillPerSec: 1 };
    for (const capacity of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expectConfigError(() => new TokenBucket({ ...valid, capacity }), 'capacity');
    }
    for (const refillPerSec of [0, -3, Number.NaN]) {
      expectConfigError(() => new TokenBucket({ ...valid, refillPerSec }), 'refillPerSec');
    }
    expectConfigError(() => new TokenBucket({ ...valid, initialTokens: 11 }), 'initialTokens');
    expectConfigError(() => new TokenBucket({ ...valid, initialTokens: -1 }), 'initialTokens');
    expectConfigError(() => new TokenBucket({ ...valid, startMs: Number.NaN }), 'startMs');
    expectConfigError(() => TokenBucket.restore(valid, { tokens: -1, updatedAtMs: 0 }), 'state.tokens');
    expectConfigError(
      () => TokenBucket.restore(valid, { tokens: 1, updatedAtMs: Number.NaN }),
      'state.updatedAtMs',
    );
  });

  it('caps a restored state at the new capacity', () => {
    const bucket = TokenBucket.restore({ capacity: 5, refillPerSec: 1 }, { tokens: 50, updatedAtMs: 0 });
    expect(bucket.available(0)).toBe(5);
  });
});
