import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isConfigError } from '../../src/errors/config-error.js';
import { createRng } from '../../src/random/rng.js';
import {
  backoffDelayMs,
  createRetryPolicy,
  retryDecision,
  type JitterMode,
  type RetryPolicyOptions,
} from '../../src/resilience/retry.js';

const jitterArb = fc.constantFrom<JitterMode>('none', 'full', 'equal');

const optionsArb = (jitter: fc.Arbitrary<JitterMode> = jitterArb): fc.Arbitrary<RetryPolicyOptions> =>
  fc
    .record({
      maxAttempts: fc.integer({ min: 1, max: 100 }),
      baseDelayMs: fc.double({ min: 0, max: 10_000, noNaN: true }),
      extraMs: fc.double({ min: 0, max: 100_000, noNaN: true }),
      multiplier: fc.double({ min: 1, max: 5, noNaN: true }),
      jitter,
      nonRetryableCodes: fc.array(fc.constantFrom('BAD_INPUT', 'FORBIDDEN', 'NOT_FOUND'), { maxLength: 3 }),
    })
    .map(({ extraMs, ...rest }) => ({ ...rest, maxDelayMs: rest.baseDelayMs + extraMs }));

const seedArb = fc.integer({ min: 0, max: 2 ** 31 });
const attemptArb = fc.integer({ min: 1, max: 200 });

/** The capped exponential delay, straight from the definition. */
function cappedMs(options: RetryPolicyOptions, attempt: number): number {
  if (options.baseDelayMs === 0) return 0;
  return Math.min(options.maxDelayMs, options.baseDelayMs * (options.multiplier ?? 2) ** (attempt - 1));
}

function configErrorOf(run: () => unknown): { field: string; value: unknown; message: string } {
  try {
    run();
  } catch (error) {
    if (isConfigError(error)) return { field: error.field, value: error.value, message: error.message };
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('backoffDelayMs', () => {
  it('is exactly the capped delay without jitter, non-decreasing in the attempt, and draws nothing', () => {
    fc.assert(
      fc.property(optionsArb(fc.constant('none')), seedArb, attemptArb, (options, seed, attempt) => {
        const policy = createRetryPolicy(options);
        const rng = createRng(seed);
        const before = rng.state();
        const delay = backoffDelayMs(policy, attempt, rng);
        expect(delay).toBe(cappedMs(options, attempt));
        expect(delay).toBeLessThanOrEqual(options.maxDelayMs);
        expect(backoffDelayMs(policy, attempt + 1, rng)).toBeGreaterThanOrEqual(delay);
        expect(rng.state()).toEqual(before);
      }),
    );
  });

  it('stays within [0, d] with full jitter and [d/2, d] with equal jitter', () => {
    fc.assert(
      fc.property(
        optionsArb(fc.constantFrom('full', 'equal')),
        seedArb,
        attemptArb,
        (options, seed, attempt) => {
          const policy = createRetryPolicy(options);
          const d = cappedMs(options, attempt);
          const delay = backoffDelayMs(policy, attempt, createRng(seed));
          expect(delay).toBeGreaterThanOrEqual(options.jitter === 'equal' ? d / 2 : 0);
          expect(delay).toBeLessThanOrEqual(d);
        },
      ),
    );
  });

  it('spreads full-jitter delays over the whole range', () => {
    const policy = createRetryPolicy({ maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1_000, jitter: 'full' });
    const rng = createRng(7);
    const delays = Array.from({ length: 2_000 }, () => backoffDelayMs(policy, 2, rng));
    expect(Math.min(...delays)).toBeLessThan(10);
    expect(Math.max(...delays)).toBeGreaterThan(190);
  });

  it('does not overflow to NaN for a zero base or a huge exponent', () => {
    const rng = createRng(1);
    const zero = createRetryPolicy({ maxAttempts: 3, baseDelayMs: 0, maxDelayMs: 0, jitter: 'none' });
    expect(backoffDelayMs(zero, 5_000, rng)).toBe(0);
    const steep = createRetryPolicy({
      maxAttempts: 3,
      baseDelayMs: 1,
      maxDelayMs: 60_000,
      multiplier: 10,
      jitter: 'none',
    });
    expect(backoffDelayMs(steep, 5_000, rng)).toBe(60_000);
  });

  it('refuses an attempt that is not an integer ≥ 1', () => {
    const policy = createRetryPolicy({ maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 100, jitter: 'none' });
    for (const attempt of [0, -1, 1.5, Number.NaN]) {
      expect(configErrorOf(() => backoffDelayMs(policy, attempt, createRng(1))).field).toBe('attempt');
    }
  });
});

describe('retryDecision', () => {
  const codeArb = fc.option(fc.constantFrom('BAD_INPUT', 'FORBIDDEN', 'NOT_FOUND', 'TIMEOUT', 'CRASHED'), {
    nil: undefined,
  });

  it('retries exactly the retryable failures before maxAttempts, with the backoff delay', () => {
    fc.assert(
      fc.property(optionsArb(), seedArb, attemptArb, codeArb, (options, seed, attempt, code) => {
        const policy = createRetryPolicy(options);
        const decision = retryDecision(policy, attempt, code === undefined ? {} : { code }, createRng(seed));
        const nonRetryable = code !== undefined && options.nonRetryableCodes!.includes(code);
        if (nonRetryable) expect(decision).toEqual({ retry: false, reason: 'non-retryable' });
        else if (attempt >= options.maxAttempts)
          expect(decision).toEqual({ retry: false, reason: 'attempts-exhausted' });
        else
          expect(decision).toEqual({
            retry: true,
            delayMs: backoffDelayMs(policy, attempt, createRng(seed)),
          });
      }),
    );
  });

  it('never lets a task run more than maxAttempts times', () => {
    fc.assert(
      fc.property(optionsArb(), seedArb, (options, seed) => {
        const policy = createRetryPolicy(options);
        const rng = createRng(seed);
        let attempts = 1;
        while (retryDecision(policy, attempts, { code: 'TIMEOUT' }, rng).retry) attempts++;
        expect(attempts).toBe(options.maxAttempts);
      }),
    );
  });

  it('gives the same delays for the same seed', () => {
    fc.assert(
      fc.property(optionsArb(), seedArb, (options, seed) => {
        const policy = createRetryPolicy(options);
        const run = (): unknown[] => {
          const rng = createRng(seed).fork('retry');
          return Array.from({ length: options.maxAttempts }, (_, i) => retryDecision(policy, i + 1, {}, rng));
        };
        expect(run()).toEqual(run());
      }),
      { numRuns: 50 },
    );
  });
});

describe('createRetryPolicy', () => {
  const valid: RetryPolicyOptions = {
    maxAttempts: 3,
    baseDelayMs: 100,
    maxDelayMs: 1_000,
    jitter: 'full',
    nonRetryableCodes: ['BAD_INPUT'],
  };

  it('applies defaults and freezes the policy, detached from the caller’s array', () => {
    const codes = ['BAD_INPUT'];
    const policy = createRetryPolicy({ ...valid, nonRetryableCodes: codes });
    codes.push('TIMEOUT');
    expect(policy).toEqual({ ...valid, multiplier: 2 });
    expect(Object.isFrozen(policy)).toBe(true);
    expect(Object.isFrozen(policy.nonRetryableCodes)).toBe(true);
    const { nonRetryableCodes: _codes, ...withoutCodes } = valid;
    expect(createRetryPolicy(withoutCodes).nonRetryableCodes).toEqual([]);
  });

  it.each([
    ['maxAttempts', 0],
    ['maxAttempts', 1.5],
    ['maxAttempts', 101],
    ['baseDelayMs', -1],
    ['baseDelayMs', Number.NaN],
    ['maxDelayMs', 50],
    ['maxDelayMs', Number.POSITIVE_INFINITY],
    ['multiplier', 0.5],
    ['jitter', 'decorrelated'],
    ['nonRetryableCodes', 'BAD_INPUT'],
  ])('throws a ConfigError naming %s for %s', (field, value) => {
    const error = configErrorOf(() => createRetryPolicy({ ...valid, [field]: value }));
    expect(error.field).toBe(field);
    expect(error.value).toBe(value);
    expect(error.message).toContain(field);
  });

  it('names the offending code by index', () => {
    const error = configErrorOf(() => createRetryPolicy({ ...valid, nonRetryableCodes: ['A', ''] }));
    expect(error.field).toBe('nonRetryableCodes[1]');
  });
});
