import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isConfigError } from '../../src/errors/config-error.js';
import type { BreakerWindowState, CallOutcome, TripReason } from '../../src/resilience/breaker-window.js';
import {
  TimeSlidingWindow,
  type TimeSlidingWindowOptions,
} from '../../src/resilience/time-sliding-window.js';

/**
 * Reference model: keeps every call with the epoch it was counted in and filters the whole history on each
 * question. Time never moves backward: an earlier `nowMs` counts in the newest epoch seen.
 */
class TimeModel {
  private history: { outcome: CallOutcome; epoch: number }[] = [];
  private head: number | undefined;
  constructor(private readonly options: TimeSlidingWindowOptions) {}

  advanceTo(nowMs: number): void {
    const epoch = Math.floor(nowMs / (this.options.windowMs / this.options.bucketCount));
    this.head = this.head === undefined ? epoch : Math.max(this.head, epoch);
  }

  record(outcome: CallOutcome, nowMs: number): void {
    this.advanceTo(nowMs);
    this.history.push({ outcome, epoch: this.head as number });
  }

  reset(): void {
    this.history = [];
    this.head = undefined;
  }

  snapshot(): {
    calls: number;
    failures: number;
    slowCalls: number;
    failureRate: number;
    slowCallRate: number;
  } {
    const head = this.head ?? 0;
    const held = this.history.filter((call) => call.epoch > head - this.options.bucketCount);
    const calls = held.length;
    const failures = held.filter((call) => !call.outcome.success).length;
    const slowLimit = this.options.slowCallDurationMs ?? Number.POSITIVE_INFINITY;
    const slowCalls = held.filter((call) => call.outcome.durationMs > slowLimit).length;
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

const rateArb = fc.oneof(fc.constantFrom(0.25, 1 / 3, 0.5, 1), fc.double({ min: 0.01, max: 1, noNaN: true }));

const optionsArb: fc.Arbitrary<TimeSlidingWindowOptions> = fc
  .record({
    windowMs: fc.oneof(fc.constantFrom(1_000, 10_000, 999), fc.integer({ min: 1, max: 5_000 })),
    bucketCount: fc.integer({ min: 1, max: 12 }),
    minimumCalls: fc.integer({ min: 1, max: 8 }),
    failureRateThreshold: rateArb,
    slow: fc.oneof(
      fc.constant({}),
      fc.record({ slowCallDurationMs: fc.integer({ min: 0, max: 100 }) }),
      fc.record({ slowCallDurationMs: fc.integer({ min: 0, max: 100 }), slowCallRateThreshold: rateArb }),
    ),
  })
  .map(({ slow, ...rest }) => ({ ...rest, ...slow }));

/** Time steps as fractions of the window: mostly within a bucket or two, sometimes far jumps or back steps. */
const stepArb = fc.oneof(
  { weight: 12, arbitrary: fc.double({ min: 0, max: 0.3, noNaN: true }) },
  { weight: 2, arbitrary: fc.double({ min: 0.3, max: 5, noNaN: true }) },
  { weight: 1, arbitrary: fc.double({ min: -0.5, max: 0, noNaN: true }) },
  { weight: 1, arbitrary: fc.constant(0) },
);

type Op =
  | { op: 'record'; step: number; outcome: CallOutcome }
  | { op: 'advance'; step: number }
  | { op: 'reset' }
  | { op: 'round-trip' };
const opsArb: fc.Arbitrary<Op[]> = fc.array(
  fc.oneof(
    {
      weight: 30,
      arbitrary: fc
        .record({ step: stepArb, success: fc.boolean(), durationMs: fc.integer({ min: 0, max: 120 }) })
        .map(({ step, ...outcome }): Op => ({ op: 'record', step, outcome })),
    },
    { weight: 3, arbitrary: stepArb.map((step): Op => ({ op: 'advance', step })) },
    { weight: 1, arbitrary: fc.constant<Op>({ op: 'reset' }) },
    { weight: 2, arbitrary: fc.constant<Op>({ op: 'round-trip' }) },
  ),
  { maxLength: 120 },
);

describe('TimeSlidingWindow', () => {
  it('matches the reference model at every step, across time jumps, resets and state round trips', () => {
    fc.assert(
      fc.property(
        optionsArb,
        fc.integer({ min: -100_000, max: 100_000 }),
        opsArb,
        (options, startMs, ops) => {
          let window = new TimeSlidingWindow(options);
          const model = new TimeModel(options);
          let nowMs = startMs;
          for (const step of ops) {
            if (step.op === 'record') {
              nowMs += step.step * options.windowMs;
              window.record(step.outcome, nowMs);
              model.record(step.outcome, nowMs);
            } else if (step.op === 'advance') {
              nowMs += step.step * options.windowMs;
              window.advanceTo(nowMs);
              model.advanceTo(nowMs);
            } else if (step.op === 'reset') {
              window.reset();
              model.reset();
            } else {
              const copy = new TimeSlidingWindow(options);
              copy.restore(JSON.parse(JSON.stringify(window.state())) as BreakerWindowState);
              expect(copy.state()).toEqual(window.state());
              window = copy;
            }
            const snapshot = window.snapshot();
            expect(snapshot).toEqual(model.snapshot());
            expect(window.tripReason()).toBe(model.tripReason());
            expect(window.shouldTrip()).toBe(model.tripReason() !== undefined);
            if (snapshot.calls < options.minimumCalls) expect(window.shouldTrip()).toBe(false);
          }
        },
      ),
    );
  });

  it('rolls buckets off one at a time and clears everything on a far jump', () => {
    const window = new TimeSlidingWindow({
      windowMs: 1_000,
      bucketCount: 4,
      minimumCalls: 1,
      failureRateThreshold: 1,
    });
    window.record({ success: false, durationMs: 1 }, 0); // epoch 0
    window.record({ success: true, durationMs: 1 }, 300); // epoch 1
    window.record({ success: true, durationMs: 1 }, 999); // epoch 3
    expect(window.snapshot().calls).toBe(3);
    window.advanceTo(1_000); // epoch 4: epoch 0 leaves
    expect(window.snapshot()).toMatchObject({ calls: 2, failures: 0 });
    window.advanceTo(1_499); // epoch 5: epoch 1 leaves
    expect(window.snapshot().calls).toBe(1);
    window.record({ success: false, durationMs: 1 }, 1e12);
    expect(window.snapshot()).toMatchObject({ calls: 1, failures: 1 });
    expect(window.tripReason()).toBe('failure-rate');
  });

  it('keeps every live bucket in its state, oldest first', () => {
    const window = new TimeSlidingWindow({
      windowMs: 100,
      bucketCount: 10,
      minimumCalls: 1,
      failureRateThreshold: 1,
    });
    window.record({ success: false, durationMs: 1 }, 15);
    window.record({ success: true, durationMs: 1 }, 17);
    window.record({ success: true, durationMs: 1 }, 42);
    expect(window.state()).toEqual({
      kind: 'time',
      headEpoch: 4,
      buckets: [
        { epoch: 1, calls: 2, failures: 1, slowCalls: 0 },
        { epoch: 4, calls: 1, failures: 0, slowCalls: 0 },
      ],
    });
    window.reset();
    expect(window.state()).toEqual({ kind: 'time', headEpoch: null, buckets: [] });
  });

  it('refuses a state that does not fit and keeps its contents', () => {
    const window = new TimeSlidingWindow({
      windowMs: 100,
      bucketCount: 4,
      minimumCalls: 1,
      failureRateThreshold: 1,
    });
    window.record({ success: false, durationMs: 1 }, 250);
    const before = window.state();
    const bucket = { epoch: 9, calls: 2, failures: 1, slowCalls: 0 };
    const bad: [unknown, string][] = [
      [{ kind: 'count', calls: [] }, 'state.kind'],
      [{ kind: 'time', headEpoch: null, buckets: [bucket] }, 'state.buckets'],
      [{ kind: 'time', headEpoch: 9.5, buckets: [] }, 'state.headEpoch'],
      [{ kind: 'time', headEpoch: 9, buckets: [{ ...bucket, epoch: 5 }] }, 'state.buckets[0].epoch'],
      [{ kind: 'time', headEpoch: 9, buckets: [{ ...bucket, epoch: 10 }] }, 'state.buckets[0].epoch'],
      [{ kind: 'time', headEpoch: 9, buckets: [bucket, bucket] }, 'state.buckets[1].epoch'],
      [{ kind: 'time', headEpoch: 9, buckets: [{ ...bucket, failures: 3 }] }, 'state.buckets[0].failures'],
      [{ kind: 'time', headEpoch: 9, buckets: [{ ...bucket, calls: 0 }] }, 'state.buckets[0].calls'],
      [{ kind: 'time', headEpoch: 9, buckets: [null] }, 'state.buckets[0]'],
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

  it('refuses a non-finite nowMs', () => {
    const window = new TimeSlidingWindow({
      windowMs: 100,
      bucketCount: 4,
      minimumCalls: 1,
      failureRateThreshold: 1,
    });
    expect(() => window.record({ success: true, durationMs: 1 }, Number.NaN)).toThrow(
      expect.objectContaining({ field: 'nowMs' }),
    );
    expect(window.snapshot().calls).toBe(0);
  });

  it.each<[Partial<TimeSlidingWindowOptions>, string]>([
    [{ windowMs: 0 }, 'windowMs'],
    [{ windowMs: Number.POSITIVE_INFINITY }, 'windowMs'],
    [{ bucketCount: 0 }, 'bucketCount'],
    [{ bucketCount: 1.5 }, 'bucketCount'],
    [{ bucketCount: 70_000 }, 'bucketCount'],
    [{ minimumCalls: 0 }, 'minimumCalls'],
    [{ failureRateThreshold: -0.5 }, 'failureRateThreshold'],
    [{ slowCallRateThreshold: 0.5 }, 'slowCallDurationMs'],
  ])('throws a ConfigError naming the field for %o', (patch, field) => {
    const options = {
      windowMs: 10_000,
      bucketCount: 10,
      minimumCalls: 5,
      failureRateThreshold: 0.5,
      ...patch,
    };
    expect(() => new TimeSlidingWindow(options)).toThrow(expect.objectContaining({ field }));
  });
});
