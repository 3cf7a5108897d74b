import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isConfigError } from '../../src/errors/config-error.js';
import type { BreakerWindowState, CallOutcome, TripReason } from '../../src/resilience/breaker-window.js';
import {
  CountSlidingWindow,
  type CountSlidingWindowOptions,
} from '../../src/resilience/count-sliding-window.js';

/** Reference model: recomputes everything from the full history of outcomes since the last reset. */
class CountModel {
  private history: CallOutcome[] = [];
  constructor(private readonly options: CountSlidingWindowOptions) {}

  record(outcome: CallOutcome): void {
    this.history.push(outcome);
  }

  reset(): void {
    this.history = [];
  }

  snapshot(): {
    calls: number;
    failures: number;
    slowCalls: number;
    failureRate: number;
    slowCallRate: number;
  } {
    const held = this.history.slice(-this.options.size);
    const calls = held.length;
    const failures = held.filter((call) => !call.success).length;
    const slowLimit = this.options.slowCallDurationMs ?? Number.POSITIVE_INFINITY;
    const slowCalls = held.filter((call) => call.durationMs > slowLimit).length;
    return {
      calls,
      failures,
      slowCalls,
      failureRate: calls === 0 ? 0 : failures / calls,
      slowCallRate: calls === 0 ? 0 : slowCalls / calls,
    };
  }

  tripReason(): TripReason | undefined {
    const { calls, failures, slowCalls } = this.snapshot();
    if (calls < this.options.minimumCalls) return undefined;
    if (failures / calls >= this.options.failureRateThreshold) return 'failure-rate';
    const slowThreshold = this.options.slowCallRateThreshold;
    if (slowThreshold !== undefined && slowCalls / calls >= slowThreshold) return 'slow-call-rate';
    return undefined;
  }
}

const rateArb = fc.oneof(
  fc.constantFrom(0.2, 0.25, 1 / 3, 0.5, 0.6, 1),
  fc.double({ min: 0.01, max: 1, noNaN: true }),
);

const optionsArb: fc.Arbitrary<CountSlidingWindowOptions> = fc
  .record({
    size: fc.integer({ min: 1, max: 12 }),
    minimumFraction: fc.double({ min: 0, max: 1, noNaN: true }),
    failureRateThreshold: rateArb,
    slow: fc.oneof(
      fc.constant({}),
      fc.record({ slowCallDurationMs: fc.integer({ min: 0, max: 100 }) }),
      fc.record({ slowCallDurationMs: fc.integer({ min: 0, max: 100 }), slowCallRateThreshold: rateArb }),
    ),
  })
  .map(({ size, minimumFraction, failureRateThreshold, slow }) => ({
    size,
    minimumCalls: Math.max(1, Math.ceil(minimumFraction * size)),
    failureRateThreshold,
    ...slow,
  }));

const outcomeArb = fc.record({ success: fc.boolean(), durationMs: fc.integer({ min: 0, max: 120 }) });

type Op = { op: 'record'; outcome: CallOutcome } | { op: 'reset' } | { op: 'round-trip' };
const opsArb: fc.Arbitrary<Op[]> = fc.array(
  fc.oneof(
    { weight: 30, arbitrary: outcomeArb.map((outcome): Op => ({ op: 'record', outcome })) },
    { weight: 1, arbitrary: fc.constant<Op>({ op: 'reset' }) },
    { weight: 2, arbitrary: fc.constant<Op>({ op: 'round-trip' }) },
  ),
  { maxLength: 120 },
);

describe('CountSlidingWindow', () => {
  it('matches the reference model at every step, across resets and state round trips', () => {
    fc.assert(
      fc.property(optionsArb, opsArb, (options, ops) => {
        let window = new CountSlidingWindow(options);
        const model = new CountModel(options);
        ops.forEach((step, nowMs) => {
          if (step.op === 'record') {
            window.record(step.outcome, nowMs);
            model.record(step.outcome);
          } else if (step.op === 'reset') {
            window.reset();
            model.reset();
          } else {
            const copy = new CountSlidingWindow(options);
            copy.restore(JSON.parse(JSON.stringify(window.state())) as BreakerWindowState);
            expect(copy.state()).toEqual(window.state());
            window = copy;
          }
          const snapshot = window.snapshot();
          expect(snapshot).toEqual(model.snapshot());
          expect(window.tripReason()).toBe(model.tripReason());
          expect(window.shouldTrip()).toBe(model.tripReason() !== undefined);
          if (snapshot.calls < options.minimumCalls) expect(window.shouldTrip()).toBe(false);
        });
      }),
    );
  });

  it('trips on the failure rate once minimumCalls are in, and forgets calls that slide out', () => {
    const window = new CountSlidingWindow({ size: 4, minimumCalls: 3, failureRateThreshold: 0.5 });
    window.record({ success: false, durationMs: 1 }, 0);
    window.record({ success: false, durationMs: 1 }, 0);
    expect(window.shouldTrip()).toBe(false); // 2 < minimumCalls
    window.record({ success: true, durationMs: 1 }, 0);
    expect(window.tripReason()).toBe('failure-rate'); // 2/3
    for (let i = 0; i < 3; i++) window.record({ success: true, durationMs: 1 }, 0);
    expect(window.snapshot()).toMatchObject({ calls: 4, failures: 0 });
    expect(window.shouldTrip()).toBe(false);
  });

  it('counts slow failures as slow and reports failure-rate first when both thresholds are met', () => {
    const window = new CountSlidingWindow({
      size: 2,
      minimumCalls: 2,
      failureRateThreshold: 0.5,
      slowCallRateThreshold: 0.5,
      slowCallDurationMs: 100,
    });
    window.record({ success: true, durationMs: 100 }, 0); // not slow: strictly longer is slow
    window.record({ success: true, durationMs: 101 }, 0);
    expect(window.tripReason()).toBe('slow-call-rate');
    window.record({ success: false, durationMs: 500 }, 0);
    expect(window.snapshot()).toEqual({
      calls: 2,
      failures: 1,
      slowCalls: 2,
      failureRate: 0.5,
      slowCallRate: 1,
    });
    expect(window.tripReason()).toBe('failure-rate');
  });

  it('refuses a state that does not fit and keeps its contents', () => {
    const window = new CountSlidingWindow({ size: 3, minimumCalls: 1, failureRateThreshold: 1 });
    window.record({ success: false, durationMs: 1 }, 0);
    const before = window.state();
    const bad: [unknown, string][] = [
      [{ kind: 'time', headEpoch: null, buckets: [] }, 'state.kind'],
      [{ kind: 'count', calls: [0, 0, 0, 0] }, 'state.calls.length'],
      [{ kind: 'count', calls: [0, 4] }, 'state.calls[1]'],
      [{ kind: 'count', calls: [0, 1.5] }, 'state.calls[1]'],
      [{ kind: 'count', calls: 'FF' }, 'state.calls'],
    ];
    for (const [state, field] of bad) {
      let caught: unknown;
      try {
        window.restore(state as BreakerWindowState);
      } catch (error) {
        caught = error;
      }
      expect(isConfigError(caught) && caught.field).toBe(field);
      expect(window.state()).toEqual(before);
    }
  });

  it.each<[Partial<CountSlidingWindowOptions>, string]>([
    [{ size: 0 }, 'size'],
    [{ size: 2.5 }, 'size'],
    [{ minimumCalls: 0 }, 'minimumCalls'],
    [{ minimumCalls: 11 }, 'minimumCalls'],
    [{ failureRateThreshold: 0 }, 'failureRateThreshold'],
    [{ failureRateThreshold: 1.01 }, 'failureRateThreshold'],
    [{ slowCallRateThreshold: 0.5 }, 'slowCallDurationMs'],
    [{ slowCallRateThreshold: Number.NaN, slowCallDurationMs: 10 }, 'slowCallRateThreshold'],
    [{ slowCallDurationMs: -1 }, 'slowCallDurationMs'],
  ])('throws a ConfigError naming the field for %o', (patch, field) => {
    const options = { size: 10, minimumCalls: 5, failureRateThreshold: 0.5, ...patch };
    expect(() => new CountSlidingWindow(options)).toThrow(expect.objectContaining({ field }));
  });
});
