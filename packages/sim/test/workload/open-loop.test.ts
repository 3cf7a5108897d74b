import { createRng, isConfigError } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import { burstyWorkload } from '../../src/workload/bursty.js';
import { diurnalWorkload } from '../../src/workload/diurnal.js';
import { poissonWorkload } from '../../src/workload/poisson.js';
import { FakeContext, gapsOf, meanAndVariance, runWorkload } from './fake-context.js';

const mix = { type: 'worker', priority: 'medium' } as const;

function configErrorOf(run: () => unknown): { field: string; message: string } {
  try {
    run();
  } catch (error) {
    if (isConfigError(error)) return error;
    throw error;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

describe('poissonWorkload', () => {
  it('submits rate·T arrivals over T, within 5σ of the Poisson count', () => {
    const ratePerSec = 50;
    const untilMs = 2_000_000;
    const context = runWorkload(poissonWorkload({ ratePerSec, mix }), 1, { untilMs, keepArrivals: false });
    const expected = (ratePerSec * untilMs) / 1000;
    // A Poisson count has variance equal to its mean.
    expect(Math.abs(context.times.length - expected)).toBeLessThan(5 * Math.sqrt(expected));
    expect(context.times.every((time) => time < untilMs)).toBe(true);
  });

  it('has exponential gaps: mean 1000/rate ms and coefficient of variation 1', () => {
    const context = runWorkload(poissonWorkload({ ratePerSec: 20, mix }), 2, { maxTasks: 50_000 });
    const gaps = gapsOf(context.times);
    const { mean, variance } = meanAndVariance(gaps);
    // Standard error of the mean of n exponential gaps: mean / √n.
    expect(Math.abs(mean - 50)).toBeLessThan((5 * 50) / Math.sqrt(gaps.length));
    expect(Math.sqrt(variance) / mean).toBeCloseTo(1, 1);
  });

  it('starts its first gap at the start time and stops scheduling once the context is inactive', () => {
    const context = runWorkload(poissonWorkload({ ratePerSec: 10, mix }), 3, {
      startMs: 5_000,
      maxTasks: 100,
    });
    expect(context.times).toHaveLength(100);
    expect(context.times[0]).toBeGreaterThan(5_000);
    expect(context.clock.pendingTimers).toBe(0);
  });

  it('exposes its rate and rejects bad options, naming the field', () => {
    expect(poissonWorkload({ ratePerSec: 7, mix }).meanRatePerSec).toBe(7);
    expect(configErrorOf(() => poissonWorkload({ ratePerSec: 0, mix })).message).toBe(
      'ratePerSec must be a finite number > 0, got 0',
    );
    expect(configErrorOf(() => poissonWorkload({ ratePerSec: -1, mix }, 'workload[2]')).field).toBe(
      'workload[2].ratePerSec',
    );
  });
});

describe('burstyWorkload', () => {
  /**
   * Asymptotic variance per ms of an MMPP-2's count: λ̄ + 2(λ₁−λ₂)² r₁r₂ / (r₁+r₂)³, with r the rates of
   * leaving each state. The stationary process's variance over a finite window is below it, so a 5σ band
   * built on it is conservative.
   */
  function mmppVariancePerMs(rateOn: number, rateOff: number, meanOn: number, meanOff: number): number {
    const r1 = 1 / meanOn;
    const r2 = 1 / meanOff;
    const mean = (rateOn * r2 + rateOff * r1) / (r1 + r2);
    return mean + (2 * (rateOn - rateOff) ** 2 * r1 * r2) / (r1 + r2) ** 3;
  }

  it.each([
    { rateOnPerSec: 100, rateOffPerSec: 5, meanOnMs: 2_000, meanOffMs: 6_000 },
    { rateOnPerSec: 200, rateOffPerSec: 0, meanOnMs: 500, meanOffMs: 4_500 },
  ])('has the long-run rate (rateOn·meanOn + rateOff·meanOff)/(meanOn + meanOff): %o', (options) => {
    const untilMs = 4_000_000;
    const workload = burstyWorkload({ ...options, mix });
    const context = runWorkload(workload, 4, { untilMs, keepArrivals: false });
    const { rateOnPerSec, rateOffPerSec, meanOnMs, meanOffMs } = options;
    const ratePerSec = (rateOnPerSec * meanOnMs + rateOffPerSec * meanOffMs) / (meanOnMs + meanOffMs);
    expect(workload.meanRatePerSec).toBeCloseTo(ratePerSec, 12);
    const expected = (ratePerSec * untilMs) / 1000;
    const sd = Math.sqrt(
      mmppVariancePerMs(rateOnPerSec / 1000, rateOffPerSec / 1000, meanOnMs, meanOffMs) * untilMs,
    );
    expect(Math.abs(context.times.length - expected)).toBeLessThan(5 * sd);
  });

  it('is bursty: an on-off source has gaps with a coefficient of variation well above 1', () => {
    const workload = burstyWorkload({
      rateOnPerSec: 100,
      rateOffPerSec: 0,
      meanOnMs: 1_000,
      meanOffMs: 9_000,
      mix,
    });
    const { mean, variance } = meanAndVariance(gapsOf(runWorkload(workload, 5, { maxTasks: 20_000 }).times));
    expect(Math.sqrt(variance) / mean).toBeGreaterThan(2);
  });

  it('is Poisson when both states have the same rate: the count stays within the Poisson 5σ band', () => {
    const workload = burstyWorkload({
      rateOnPerSec: 30,
      rateOffPerSec: 30,
      meanOnMs: 100,
      meanOffMs: 300,
      mix,
    });
    const untilMs = 2_000_000;
    const count = runWorkload(workload, 6, { untilMs, keepArrivals: false }).times.length;
    expect(Math.abs(count - 60_000)).toBeLessThan(5 * Math.sqrt(60_000));
  });

  it('rejects a negative off rate and a zero on rate', () => {
    const options = { rateOnPerSec: 1, rateOffPerSec: 0, meanOnMs: 1, meanOffMs: 1, mix };
    expect(configErrorOf(() => burstyWorkload({ ...options, rateOffPerSec: -1 })).field).toBe(
      'rateOffPerSec',
    );
    expect(configErrorOf(() => burstyWorkload({ ...options, rateOnPerSec: 0 })).field).toBe('rateOnPerSec');
    expect(configErrorOf(() => burstyWorkload({ ...options, meanOffMs: 0 })).field).toBe('meanOffMs');
  });
});

describe('diurnalWorkload', () => {
  it('follows λ(t): arrivals per phase bucket match the integral of the rate, within 5σ', () => {
    const periodMs = 60_000;
    const periods = 60;
    const buckets = 12;
    const workload = diurnalWorkload({ meanRatePerSec: 20, amplitude: 0.8, periodMs, phaseMs: 7_000, mix });
    const context = runWorkload(workload, 7, { untilMs: periods * periodMs, keepArrivals: false });
    const counts = new Array<number>(buckets).fill(0);
    const width = periodMs / buckets;
    for (const time of context.times) counts[Math.floor((time % periodMs) / width)]! += 1;
    counts.forEach((count, b) => {
      // Over whole periods every bucket sees the same stretch of the cycle `periods` times.
      const expected = periods * workload.expectedArrivals(b * width, (b + 1) * width);
      expect(Math.abs(count - expected)).toBeLessThan(5 * Math.sqrt(expected));
    });
    // The buckets really differ: peak over trough is (1 + a)/(1 − a) = 9 at the extremes, over 4 bucket-wide.
    expect(Math.max(...counts) / Math.min(...counts)).toBeGreaterThan(4);
  });

  it('has the documented rate curve and its integral', () => {
    const workload = diurnalWorkload({
      meanRatePerSec: 50,
      amplitude: 0.8,
      periodMs: 1_440_000,
      phaseMs: -360_000,
      mix,
    });
    expect(workload.rateAt(0)).toBeCloseTo(10, 9);
    expect(workload.rateAt(720_000)).toBeCloseTo(90, 9);
    expect(workload.rateAt(1_080_000)).toBeCloseTo(50, 9);
    // A whole period holds mean · period arrivals in expectation, wherever it starts.
    expect(workload.expectedArrivals(123_456, 123_456 + 1_440_000)).toBeCloseTo(72_000, 6);
  });

  it('with amplitude 0 is a Poisson process at the mean rate', () => {
    const workload = diurnalWorkload({ meanRatePerSec: 40, amplitude: 0, periodMs: 1_000, mix });
    const count = runWorkload(workload, 8, { untilMs: 1_000_000, keepArrivals: false }).times.length;
    expect(Math.abs(count - 40_000)).toBeLessThan(5 * Math.sqrt(40_000));
  });

  it('rejects an amplitude outside [0, 1]', () => {
    expect(
      configErrorOf(() => diurnalWorkload({ meanRatePerSec: 1, amplitude: 1.5, periodMs: 1, mix })).message,
    ).toBe('amplitude must be ≤ 1, got 1.5');
  });
});

describe('open-loop workloads', () => {
  it('schedule only their next arrival: one pending event at any time', () => {
    for (const workload of [
      poissonWorkload({ ratePerSec: 100, mix }),
      burstyWorkload({ rateOnPerSec: 100, rateOffPerSec: 0, meanOnMs: 100, meanOffMs: 100, mix }),
      diurnalWorkload({ meanRatePerSec: 100, amplitude: 1, periodMs: 1_000, mix }),
    ]) {
      const context = new FakeContext({ maxTasks: 1_000 });
      workload.start(context, createRng(9));
      while (context.clock.runNext()) expect(context.clock.pendingTimers).toBeLessThanOrEqual(1);
      expect(context.times).toHaveLength(1_000);
    }
  });
});
