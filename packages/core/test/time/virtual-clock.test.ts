import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isConfigError } from '../../src/errors/config-error.js';
import { VirtualClock } from '../../src/time/virtual-clock.js';
import type { TimerHandle } from '../../src/time/clock.js';

describe('VirtualClock', () => {
  it('fires timers in (deadline, insertion) order, never by deadline alone, and skips cleared ones', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.boolean()), { maxLength: 100 }),
        (timers) => {
          const clock = new VirtualClock();
          const fired: number[] = [];
          const handles: TimerHandle[] = timers.map(([delayMs], i) =>
            clock.setTimer(delayMs, () => fired.push(i)),
          );
          timers.forEach(([, cancel], i) => cancel && clock.clearTimer(handles[i] as TimerHandle));
          clock.runAll();
          const expected = timers
            .map(([delayMs, cancel], i) => ({ delayMs, cancel, i }))
            .filter((t) => !t.cancel)
            .sort((a, b) => a.delayMs - b.delayMs || a.i - b.i)
            .map((t) => t.i);
          expect(fired).toEqual(expected);
          expect(clock.pendingTimers).toBe(0);
        },
      ),
    );
  });

  it('callAt passes each event its number, in the same (deadline, insertion) order as timers', () => {
    const clock = new VirtualClock();
    const fired: string[] = [];
    const shared = (arg: number): void => {
      fired.push(`arg ${arg}`);
    };
    clock.callAt(5, shared, 7);
    clock.setTimerAt(5, () => fired.push('plain'));
    clock.callAt(1, shared, 2 ** 40 + 0.5);
    const cleared = clock.setTimerAt(5, () => fired.push('cleared'));
    clock.clearTimer(cleared);
    // A plain timer reusing a slot an argument-carrying event has left gets no stale argument.
    clock.runNext();
    clock.setTimerAt(6, (...args: unknown[]) => fired.push(`reused with ${String(args[0])}`));
    clock.runAll();
    expect(fired).toEqual([`arg ${2 ** 40 + 0.5}`, 'arg 7', 'plain', 'reused with 0']);
    expect(() => clock.callAt(Number.NaN, shared, 0)).toThrow(/atMs/);
  });

  it('advanceTo fires what is due, including timers set by callbacks inside the window', () => {
    const clock = new VirtualClock(100);
    const log: string[] = [];
    clock.setTimer(5, () => {
      log.push(`a@${clock.now()}`);
      clock.setTimer(3, () => log.push(`b@${clock.now()}`));
      clock.setTimer(50, () => log.push(`late@${clock.now()}`));
    });
    expect(clock.advanceTo(110)).toBe(2);
    expect(log).toEqual(['a@105', 'b@108']);
    expect(clock.now()).toBe(110);
    expect(clock.nextDeadline()).toBe(155);
  });

  it('refuses to move backwards or take a negative delay, naming the field', () => {
    const clock = new VirtualClock(10);
    for (const act of [() => clock.advanceTo(5), () => clock.setTimer(-1, () => {})]) {
      try {
        act();
        expect.unreachable();
      } catch (error) {
        expect(isConfigError(error)).toBe(true);
      }
    }
    expect(() => clock.advanceTo(5)).toThrow('timeMs must be ≥ 10, got 5');
  });

  it('never moves backwards when a callback advances the clock further than the outer call', () => {
    const clock = new VirtualClock();
    clock.setTimer(1, () => clock.advanceTo(100));
    clock.advanceTo(5);
    expect(clock.now()).toBe(100);
  });

  it('ignores clearing a timer that already fired, even if its slot was reused', () => {
    const clock = new VirtualClock();
    const fired: string[] = [];
    const first = clock.setTimer(1, () => fired.push('first'));
    clock.runAll();
    clock.setTimer(1, () => fired.push('second'));
    clock.clearTimer(first);
    clock.runAll();
    expect(fired).toEqual(['first', 'second']);
  });
});
