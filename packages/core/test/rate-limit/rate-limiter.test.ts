import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isConfigError } from '../../src/errors/config-error.js';
import { RateLimiter } from '../../src/rate-limit/rate-limiter.js';

const limitArb = fc.record({
  limit: fc.oneof(fc.integer({ min: 1, max: 1000 }), fc.double({ min: 1, max: 1000, noNaN: true })),
  intervalMs: fc.oneof(fc.constant(1000), fc.constant(60_000), fc.integer({ min: 1, max: 100_000 })),
  burst: fc.option(fc.double({ min: 1, max: 2000, noNaN: true }), { nil: undefined }),
});

const optionsArb = fc.record({ requests: limitArb, cost: limitArb }).map(({ requests, cost }) => ({
  requests: withoutUndefined(requests),
  cost: withoutUndefined(cost),
}));

/** Request: clock advance and the share of the cost burst it costs. */
const stepArb = fc.record({
  advanceMs: fc.oneof(
    fc.constant(0),
    fc.integer({ min: 0, max: 2000 }),
    fc.double({ min: 0, max: 2000, noNaN: true }),
  ),
  share: fc.oneof(fc.constant(0), fc.constant(1), fc.double({ min: 0, max: 1, noNaN: true })),
});

function withoutUndefined(limit: { limit: number; intervalMs: number; burst: number | undefined }) {
  return limit.burst === undefined
    ? { limit: limit.limit, intervalMs: limit.intervalMs }
    : { limit: limit.limit, intervalMs: limit.intervalMs, burst: limit.burst };
}

function burstOf(limit: { limit: number; burst?: number }): number {
  return limit.burst ?? limit.limit;
}

function fieldOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return isConfigError(error) ? error.field : `not a ConfigError: ${String(error)}`;
  }
  return undefined;
}

describe('RateLimiter', () => {
  it('admits while both dimensions allow, then waits for the slower one', () => {
    const limiter = new RateLimiter({
      requests: { limit: 2, intervalMs: 1000 },
      cost: { limit: 100, intervalMs: 1000 },
      startMs: 0,
    });
    expect(limiter.tryAcquire(60, 0)).toBe(0);
    expect(limiter.tryAcquire(60, 0)).toBe(200); // cost: 20 missing at 0.1/ms; requests would admit
    expect(limiter.available(0)).toEqual({ requests: 1, cost: 40 });
    expect(limiter.tryAcquire(10, 0)).toBe(0);
    expect(limiter.tryAcquire(0, 0)).toBe(500); // requests: one refills in 500 ms
    expect(limiter.tryAcquire(0, 500)).toBe(0);
  });

  it('limits a single dimension when only one is set', () => {
    const byCost = new RateLimiter({ cost: { limit: 10, intervalMs: 1000 }, startMs: 0 });
    expect(byCost.tryAcquire(10, 0)).toBe(0);
    expect(byCost.tryAcquire(5, 0)).toBe(500);
    expect(byCost.available(0).requests).toBe(Number.POSITIVE_INFINITY);
    const byRequests = new RateLimiter({ requests: { limit: 1, intervalMs: 100 }, startMs: 0 });
    expect(byRequests.tryAcquire(1e9, 0)).toBe(0);
    expect(byRequests.tryAcquire(0, 0)).toBe(100);
  });

  it('charges neither bucket on a refusal, and both on an admission', () => {
    fc.assert(
      fc.property(optionsArb, fc.array(stepArb, { minLength: 10, maxLength: 50 }), (options, steps) => {
        const limiter = new RateLimiter({ ...options, startMs: 0 });
        let nowMs = 0;
        for (const { advanceMs, share } of steps) {
          nowMs += advanceMs;
          const cost = share * burstOf(options.cost);
          const before = limiter.state();
          const available = limiter.available(nowMs);
          const waitMs = limiter.tryAcquire(cost, nowMs);
          if (waitMs > 0) {
            expect(limiter.state()).toEqual(before);
            expect(available.requests < 1 || available.cost < cost).toBe(true);
          } else {
            const after = limiter.available(nowMs);
            expect(after.requests).toBeCloseTo(available.requests - 1, 9);
            expect(after.cost).toBeCloseTo(available.cost - cost, 6);
          }
        }
      }),
    );
  });

  it('keeps both dimensions within limit · t / intervalMs + burst', () => {
    fc.assert(
      fc.property(optionsArb, fc.array(stepArb, { minLength: 10, maxLength: 80 }), (options, steps) => {
        const limiter = new RateLimiter({ ...options, startMs: 0 });
        let nowMs = 0;
        let requests = 0;
        let cost = 0;
        for (const { advanceMs, share } of steps) {
          nowMs += advanceMs;
          const amount = share * burstOf(options.cost);
          if (limiter.tryAcquire(amount, nowMs) === 0) {
            requests += 1;
            cost += amount;
          }
          const requestBound =
            (options.requests.limit * nowMs) / options.requests.intervalMs + burstOf(options.requests);
          const costBound = (options.cost.limit * nowMs) / options.cost.intervalMs + burstOf(options.cost);
          expect(requests).toBeLessThanOrEqual(requestBound * (1 + 1e-9));
          expect(cost).toBeLessThanOrEqual(costBound * (1 + 1e-9));
        }
      }),
    );
  });

  it('admits at now + wait when nothing else was acquired', () => {
    fc.assert(
      fc.property(optionsArb, fc.array(stepArb, { maxLength: 40 }), stepArb, (options, steps, last) => {
        const limiter = new RateLimiter({ ...options, startMs: 0 });
        let nowMs = 0;
        for (const { advanceMs, share } of steps) {
          nowMs += advanceMs;
          limiter.tryAcquire(share * burstOf(options.cost), nowMs);
        }
        nowMs += last.advanceMs;
        const cost = last.share * burstOf(options.cost);
        const peekedMs = limiter.waitMs(cost, nowMs);
        const waitMs = limiter.tryAcquire(cost, nowMs);
        expect(waitMs).toBe(peekedMs);
        if (waitMs > 0) expect(limiter.tryAcquire(cost, nowMs + waitMs)).toBe(0);
      }),
    );
  });

  it('continues identically after a JSON round trip of state()', () => {
    fc.assert(
      fc.property(
        optionsArb,
        fc.array(stepArb, { maxLength: 30 }),
        fc.array(stepArb, { maxLength: 30 }),
        (options, prefix, suffix) => {
          const original = new RateLimiter(options);
          let nowMs = 1e6;
          const costOf = (share: number) => share * burstOf(options.cost);
          for (const { advanceMs, share } of prefix) {
            nowMs += advanceMs;
            original.tryAcquire(costOf(share), nowMs);
          }
          const copy = RateLimiter.restore(options, JSON.parse(JSON.stringify(original.state())));
          for (const { advanceMs, share } of suffix) {
            nowMs += advanceMs;
            expect(copy.tryAcquire(costOf(share), nowMs)).toBe(original.tryAcquire(costOf(share), nowMs));
          }
          expect(copy.state()).toEqual(original.state());
        },
      ),
    );
  });

  it('rejects a cost above the cost burst, naming it, and changes nothing', () => {
    const limiter = new RateLimiter({
      requests: { limit: 5, intervalMs: 1000 },
      cost: { limit: 4000, intervalMs: 60_000 },
    });
    const before = limiter.state();
    expect(() => limiter.tryAcquire(5000, 0)).toThrow('cost must be ≤ 4000 (the cost burst), got 5000');
    expect(fieldOf(() => limiter.tryAcquire(-1, 0))).toBe('cost');
    expect(fieldOf(() => limiter.tryAcquire(Number.NaN, 0))).toBe('cost');
    expect(fieldOf(() => limiter.tryAcquire(1, Number.POSITIVE_INFINITY))).toBe('nowMs');
    expect(limiter.state()).toEqual(before);
  });

  it('rejects invalid options, naming the field', () => {
    const ok = { limit: 10, intervalMs: 1000 };
    expect(fieldOf(() => new RateLimiter({}))).toBe('requests');
    expect(fieldOf(() => new RateLimiter({ requests: { ...ok, limit: 0 } }))).toBe('requests.limit');
    expect(fieldOf(() => new RateLimiter({ requests: { ...ok, burst: 0.5 } }))).toBe('requests.burst');
    expect(fieldOf(() => new RateLimiter({ requests: { limit: 0.5, intervalMs: 1000 } }))).toBe(
      'requests.limit',
    );
    expect(fieldOf(() => new RateLimiter({ cost: { ...ok, intervalMs: -1 } }))).toBe('cost.intervalMs');
    expect(fieldOf(() => new RateLimiter({ cost: { ...ok, burst: Number.NaN } }))).toBe('cost.burst');
    expect(fieldOf(() => new RateLimiter({ cost: ok, startMs: Number.NaN }))).toBe('startMs');
    expect(fieldOf(() => new RateLimiter({ cost: ok, requests: ok }))).toBeUndefined();
  });
});
