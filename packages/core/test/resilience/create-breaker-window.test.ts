import { describe, expect, it } from 'vitest';
import { ConsecutiveFailureWindow } from '../../src/resilience/consecutive-failure-window.js';
import { CountSlidingWindow } from '../../src/resilience/count-sliding-window.js';
import { createBreakerWindow, type BreakerWindowSpec } from '../../src/resilience/create-breaker-window.js';
import { TimeSlidingWindow } from '../../src/resilience/time-sliding-window.js';

describe('createBreakerWindow', () => {
  it('builds the window of each kind with its options', () => {
    const consecutive = createBreakerWindow({ kind: 'consecutive', threshold: 5 });
    expect(consecutive).toBeInstanceOf(ConsecutiveFailureWindow);
    expect(consecutive.kind).toBe('consecutive');

    const count = createBreakerWindow({
      kind: 'count',
      size: 50,
      minimumCalls: 10,
      failureRateThreshold: 0.5,
    });
    expect(count).toBeInstanceOf(CountSlidingWindow);
    expect((count as CountSlidingWindow).size).toBe(50);

    const time = createBreakerWindow({
      kind: 'time',
      windowMs: 60_000,
      bucketCount: 60,
      minimumCalls: 10,
      failureRateThreshold: 0.5,
      slowCallRateThreshold: 0.9,
      slowCallDurationMs: 5_000,
    });
    expect(time).toBeInstanceOf(TimeSlidingWindow);
    expect((time as TimeSlidingWindow).bucketMs).toBe(1_000);
    expect(time.state()).toEqual({ kind: 'time', headEpoch: null, buckets: [] });
  });

  it('refuses an unknown kind or a bad field of the chosen kind, naming it', () => {
    expect(() => createBreakerWindow({ kind: 'sliding' } as unknown as BreakerWindowSpec)).toThrow(
      expect.objectContaining({ field: 'kind', value: 'sliding' }),
    );
    expect(() => createBreakerWindow(null as unknown as BreakerWindowSpec)).toThrow(
      expect.objectContaining({ field: 'spec' }),
    );
    expect(() =>
      createBreakerWindow({ kind: 'count', size: 5, minimumCalls: 6, failureRateThreshold: 0.5 }),
    ).toThrow(expect.objectContaining({ field: 'minimumCalls', value: 6 }));
  });

  it('refuses to restore the state of another kind', () => {
    const count = createBreakerWindow({ kind: 'count', size: 5, minimumCalls: 5, failureRateThreshold: 0.5 });
    const consecutive = createBreakerWindow({ kind: 'consecutive', threshold: 2 });
    expect(() => count.restore(consecutive.state())).toThrow(
      expect.objectContaining({ field: 'state.kind' }),
    );
  });
});
