import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BreakerWindowState } from '../../src/resilience/breaker-window.js';
import { ConsecutiveFailureWindow } from '../../src/resilience/consecutive-failure-window.js';

type Op = { op: 'record'; success: boolean } | { op: 'reset' } | { op: 'round-trip' };
const opsArb: fc.Arbitrary<Op[]> = fc.array(
  fc.oneof(
    { weight: 20, arbitrary: fc.boolean().map((success): Op => ({ op: 'record', success })) },
    { weight: 1, arbitrary: fc.constant<Op>({ op: 'reset' }) },
    { weight: 2, arbitrary: fc.constant<Op>({ op: 'round-trip' }) },
  ),
  { maxLength: 100 },
);

describe('ConsecutiveFailureWindow', () => {
  it('trips exactly when the trailing failure streak of the history reaches the threshold', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), opsArb, (threshold, ops) => {
        let window = new ConsecutiveFailureWindow({ threshold });
        let history: boolean[] = [];
        ops.forEach((step, nowMs) => {
          if (step.op === 'record') {
            window.record({ success: step.success, durationMs: 10 }, nowMs);
            history.push(step.success);
          } else if (step.op === 'reset') {
            window.reset();
            history = [];
          } else {
            const copy = new ConsecutiveFailureWindow({ threshold });
            copy.restore(JSON.parse(JSON.stringify(window.state())) as BreakerWindowState);
            window = copy;
          }
          const lastSuccess = history.lastIndexOf(true);
          const streak = history.length - lastSuccess - 1;
          expect(window.snapshot()).toEqual({
            calls: streak,
            failures: streak,
            slowCalls: 0,
            failureRate: streak === 0 ? 0 : 1,
            slowCallRate: 0,
          });
          expect(window.shouldTrip()).toBe(streak >= threshold);
          expect(window.tripReason()).toBe(streak >= threshold ? 'consecutive-failures' : undefined);
        });
      }),
    );
  });

  it('ignores durations and time', () => {
    const window = new ConsecutiveFailureWindow({ threshold: 2 });
    window.record({ success: false, durationMs: 1e9 }, 0);
    window.advanceTo(1e12);
    window.record({ success: false, durationMs: 0 }, 5);
    expect(window.tripReason()).toBe('consecutive-failures');
  });

  it('refuses a bad threshold or state, naming the field, and keeps its count', () => {
    for (const threshold of [0, 1.5, Number.NaN]) {
      expect(() => new ConsecutiveFailureWindow({ threshold })).toThrow(
        expect.objectContaining({ field: 'threshold' }),
      );
    }
    const window = new ConsecutiveFailureWindow({ threshold: 3 });
    window.record({ success: false, durationMs: 1 }, 0);
    expect(() => window.restore({ kind: 'consecutive', consecutiveFailures: -1 })).toThrow(
      expect.objectContaining({ field: 'state.consecutiveFailures' }),
    );
    expect(() => window.restore({ kind: 'count', calls: [] })).toThrow(
      expect.objectContaining({ field: 'state.kind' }),
    );
    expect(window.state()).toEqual({ kind: 'consecutive', consecutiveFailures: 1 });
  });
});
