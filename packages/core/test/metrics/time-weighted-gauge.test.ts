import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isConfigError } from '../../src/errors/config-error.js';
import { TimeWeightedGauge } from '../../src/metrics/time-weighted-gauge.js';

/** A step function: the level changes to `value` after `holdMs` of the previous level. */
const stepsArb = fc.array(fc.record({ holdMs: fc.nat(1000), value: fc.integer({ min: -50, max: 1000 }) }), {
  minLength: 1,
  maxLength: 60,
});

/** ∫ level dt over [startMs, endMs] from the breakpoints, summed segment by segment. */
function integralOf(
  startMs: number,
  initial: number,
  breakpoints: ReadonlyArray<[number, number]>,
  endMs: number,
) {
  const times = [startMs, ...breakpoints.map(([t]) => t), endMs];
  const levels = [initial, ...breakpoints.map(([, v]) => v)];
  let area = 0;
  for (let i = 0; i < levels.length; i++)
    area += (levels[i] as number) * ((times[i + 1] as number) - (times[i] as number));
  return area;
}

describe('TimeWeightedGauge', () => {
  it('averages a level over time, not over changes', () => {
    const depth = new TimeWeightedGauge({ startMs: 0 });
    depth.set(4, 0);
    depth.set(0, 10);
    depth.set(0, 20); // a change that is not one
    expect(depth.mean(40)).toBe(1);
    expect(depth.integral(40)).toBe(40);
    expect(depth.max).toBe(4);
    expect(depth.current).toBe(0);
  });

  it('matches the integral of any step function, with whole numbers exactly', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1000, max: 1_000_000 }),
        fc.integer({ min: -10, max: 10 }),
        stepsArb,
        fc.nat(1000),
        (startMs, initialValue, steps, tailMs) => {
          const gauge = new TimeWeightedGauge({ startMs, initialValue });
          const breakpoints: Array<[number, number]> = [];
          let nowMs = startMs;
          for (const { holdMs, value } of steps) {
            nowMs += holdMs;
            if (breakpoints.length % 2 === 0) gauge.set(value, nowMs);
            else gauge.add(value - gauge.current, nowMs);
            breakpoints.push([nowMs, value]);
          }
          const endMs = nowMs + tailMs;
          const area = integralOf(startMs, initialValue, breakpoints, endMs);
          expect(gauge.integral(endMs)).toBe(area);
          const elapsedMs = endMs - startMs;
          expect(gauge.mean(endMs)).toBe(elapsedMs === 0 ? gauge.current : area / elapsedMs);
          const levels = [initialValue, ...breakpoints.map(([, v]) => v)];
          expect(gauge.max).toBe(Math.max(...levels));
          expect(gauge.min).toBe(Math.min(...levels));
        },
      ),
    );
  });

  it('matches the integral of step functions in fractional time within rounding', () => {
    const fractionalArb = fc.array(
      fc.record({
        holdMs: fc.double({ min: 0, max: 100, noNaN: true }),
        value: fc.double({ min: 0, max: 64, noNaN: true }),
      }),
      { minLength: 1, maxLength: 60 },
    );
    fc.assert(
      fc.property(fractionalArb, (steps) => {
        const gauge = new TimeWeightedGauge();
        const breakpoints: Array<[number, number]> = [];
        let nowMs = 0;
        for (const { holdMs, value } of steps) {
          nowMs += holdMs;
          gauge.set(value, nowMs);
          breakpoints.push([nowMs, value]);
        }
        const endMs = nowMs + 1;
        const area = integralOf(0, 0, breakpoints, endMs);
        expect(gauge.integral(endMs)).toBeCloseTo(area, 6);
        expect(gauge.mean(endMs)).toBeCloseTo(area / endMs, 9);
      }),
    );
  });

  it('reports the current level when no time has elapsed', () => {
    const gauge = new TimeWeightedGauge({ startMs: 5, initialValue: 2 });
    expect(gauge.mean(5)).toBe(2);
    gauge.set(7, 5);
    expect(gauge.mean(5)).toBe(7);
    expect(gauge.max).toBe(7);
    expect(gauge.mean(3)).toBe(7); // earlier than anything seen: still no time elapsed
  });

  it('never integrates backwards when time goes back', () => {
    const gauge = new TimeWeightedGauge({ startMs: 0, initialValue: 1 });
    gauge.set(3, 10);
    gauge.set(5, 4); // late report: takes effect now (10), adds no area for [4, 10] twice
    expect(gauge.integral(10)).toBe(10);
    expect(gauge.integral(12)).toBe(20);
    expect(gauge.mean(12)).toBeCloseTo(20 / 12, 12);
  });

  it('starts a new window on reset, keeping the current level', () => {
    const gauge = new TimeWeightedGauge({ startMs: 0 });
    gauge.set(10, 0);
    gauge.set(2, 50);
    gauge.reset(100);
    expect(gauge.max).toBe(2);
    expect(gauge.mean(100)).toBe(2);
    gauge.set(4, 110);
    expect(gauge.mean(120)).toBe(3);
  });

  it('rejects non-finite input, naming the field, and changes nothing', () => {
    const gauge = new TimeWeightedGauge();
    gauge.set(1, 10);
    const fieldOf = (run: () => unknown): string | undefined => {
      try {
        run();
      } catch (error) {
        return isConfigError(error) ? error.field : 'not a ConfigError';
      }
      return undefined;
    };
    expect(fieldOf(() => gauge.set(Number.NaN, 20))).toBe('value');
    expect(fieldOf(() => gauge.add(Number.POSITIVE_INFINITY, 20))).toBe('delta');
    expect(fieldOf(() => gauge.set(2, Number.NaN))).toBe('nowMs');
    expect(fieldOf(() => gauge.mean(Number.NaN))).toBe('nowMs');
    expect(fieldOf(() => new TimeWeightedGauge({ startMs: Number.NaN }))).toBe('startMs');
    expect(fieldOf(() => new TimeWeightedGauge({ initialValue: Number.NaN }))).toBe('initialValue');
    expect(gauge.current).toBe(1);
    expect(gauge.integral(20)).toBe(10);
  });
});
