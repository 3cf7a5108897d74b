import { isConfigError } from '@flotilla/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_RESTART_INTENSITY,
  createRestartIntensity,
  type RestartIntensityOptions,
  type RestartIntensityState,
} from '../../src/machines/restart-intensity.js';

/** Reference: keeps every restart and recounts the window from scratch each time. */
function referenceDecisions(options: RestartIntensityOptions, timesMs: readonly number[]): string[] {
  const history: number[] = [];
  return timesMs.map((nowMs) => {
    history.push(nowMs);
    const inWindow = history.filter((t) => nowMs - t <= options.withinMs).length;
    return inWindow > options.maxRestarts ? 'escalate' : 'restart';
  });
}

type Op = { op: 'restart'; gapMs: number } | { op: 'round-trip' };

const scenarioArb = fc.record({
  options: fc.record({
    maxRestarts: fc.integer({ min: 0, max: 6 }),
    withinMs: fc.oneof(fc.integer({ min: 1, max: 1_000 }), fc.double({ min: 0.5, max: 1_000, noNaN: true })),
  }),
  ops: fc.array(
    fc.oneof(
      {
        weight: 8,
        arbitrary: fc
          .oneof(fc.integer({ min: 0, max: 400 }), fc.constantFrom(0, 100, 250, 1_000))
          .map((gapMs): Op => ({ op: 'restart', gapMs })),
      },
      { weight: 1, arbitrary: fc.constant<Op>({ op: 'round-trip' }) },
    ),
    { maxLength: 80 },
  ),
});

describe('createRestartIntensity', () => {
  it('escalates exactly when a sliding recount finds > maxRestarts within withinMs (round trips)', () => {
    fc.assert(
      fc.property(scenarioArb, ({ options, ops }) => {
        let intensity = createRestartIntensity(options);
        let nowMs = 0;
        const times: number[] = [];
        const decisions: string[] = [];
        for (const step of ops) {
          if (step.op === 'round-trip') {
            const copy = createRestartIntensity(options);
            copy.restore(JSON.parse(JSON.stringify(intensity.state())) as RestartIntensityState);
            intensity = copy;
          } else {
            nowMs += step.gapMs;
            times.push(nowMs);
            decisions.push(intensity.recordRestart(nowMs));
          }
          expect(intensity.state().restartTimesMs).toEqual(
            times.slice(Math.max(0, times.length - options.maxRestarts)),
          );
        }
        expect(decisions).toEqual(referenceDecisions(options, times));
      }),
    );
  });

  it('counts a restart exactly withinMs old (the window is closed, as in OTP)', () => {
    const intensity = createRestartIntensity({ maxRestarts: 1, withinMs: 100 });
    expect(intensity.recordRestart(0)).toBe('restart');
    expect(intensity.recordRestart(100)).toBe('escalate');
    expect(intensity.recordRestart(200.5)).toBe('restart');
  });

  it('maxRestarts 0 escalates every restart; reset forgets', () => {
    const never = createRestartIntensity({ maxRestarts: 0, withinMs: 1 });
    expect([0, 10, 1e9].map((t) => never.recordRestart(t))).toEqual(['escalate', 'escalate', 'escalate']);
    expect(never.state()).toEqual({ restartTimesMs: [] });
    const intensity = createRestartIntensity({ maxRestarts: 1, withinMs: 1_000 });
    intensity.recordRestart(5);
    intensity.reset();
    expect(intensity.state()).toEqual({ restartTimesMs: [] });
    expect(intensity.recordRestart(0)).toBe('restart');
  });

  it('refuses bad options, naming the field and the value', () => {
    const cases: Array<[unknown, string]> = [
      [{ maxRestarts: -1, withinMs: 1 }, 'maxRestarts must be ≥ 0, got -1'],
      [{ maxRestarts: 1.5, withinMs: 1 }, 'maxRestarts must be an integer, got 1.5'],
      [
        { maxRestarts: MAX_RESTART_INTENSITY + 1, withinMs: 1 },
        `maxRestarts must be ≤ ${MAX_RESTART_INTENSITY}, got ${MAX_RESTART_INTENSITY + 1}`,
      ],
      [{ maxRestarts: 3, withinMs: 0 }, 'withinMs must be a finite number > 0, got 0'],
      [{ maxRestarts: 3, withinMs: Infinity }, 'withinMs must be a finite number > 0, got Infinity'],
      [null, 'options must be an object, got null'],
    ];
    for (const [options, message] of cases) {
      expect(() => createRestartIntensity(options as RestartIntensityOptions)).toThrow(message);
    }
  });

  it('refuses time going backwards or a bad state, and changes nothing', () => {
    const intensity = createRestartIntensity({ maxRestarts: 2, withinMs: 1_000 });
    intensity.recordRestart(10);
    expect(() => intensity.recordRestart(9)).toThrow('nowMs must be ≥ 10, got 9');
    expect(() => intensity.recordRestart(Number.NaN)).toThrow('nowMs must be a finite number, got NaN');
    const bad: Array<[unknown, string]> = [
      [{ restartTimesMs: [1, 2, 3] }, 'state.restartTimesMs.length must be ≤ maxRestarts (2), got 3'],
      [{ restartTimesMs: [5, 4] }, 'state.restartTimesMs[1] must be ≥ 5, got 4'],
      [{ restartTimesMs: [1, 'x'] }, 'state.restartTimesMs[1] must be a finite number, got "x"'],
      [{ restartTimesMs: 'x' }, 'state.restartTimesMs must be an array, got "x"'],
      [null, 'state must be an object, got null'],
    ];
    for (const [state, message] of bad) {
      let thrown: unknown;
      try {
        intensity.restore(state as RestartIntensityState);
      } catch (error) {
        thrown = error;
      }
      expect(isConfigError(thrown)).toBe(true);
      expect((thrown as Error).message).toBe(message);
      expect(intensity.state()).toEqual({ restartTimesMs: [10] });
    }
    intensity.restore({ restartTimesMs: [20, 30] });
    expect(() => intensity.recordRestart(29)).toThrow('nowMs must be ≥ 30, got 29');
    expect(intensity.recordRestart(40)).toBe('escalate');
  });
});
