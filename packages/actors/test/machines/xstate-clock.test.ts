import { VirtualClock } from '@flotilla/core';
import { createActor } from 'xstate';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { agentMachine } from '../../src/machines/agent-machine.js';
import { breakerMachine } from '../../src/machines/breaker-machine.js';
import { toXStateClock } from '../../src/machines/xstate-clock.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('toXStateClock', () => {
  it('schedules on the clock and cancels through it; negative delays run at once', () => {
    const clock = new VirtualClock();
    const xstateClock = toXStateClock(clock);
    const fired: string[] = [];
    const id = xstateClock.setTimeout(() => fired.push('cancelled'), 5);
    xstateClock.setTimeout(() => fired.push('late'), 10);
    xstateClock.setTimeout(() => fired.push('negative'), -3);
    xstateClock.clearTimeout(id);
    xstateClock.clearTimeout(id); // a second clear is a no-op
    expect(clock.pendingTimers).toBe(2);
    clock.advanceBy(10);
    expect(fired).toEqual(['negative', 'late']);
    expect(() => xstateClock.setTimeout(() => {}, Number.NaN)).toThrow('delayMs must be a finite number');
  });

  it('fires delayed events of many actors by (deadline, scheduling order), not by deadline alone', () => {
    const clock = new VirtualClock();
    const order: string[] = [];
    const breakers = ['c', 'a', 'b'].map((id) => {
      const actor = createActor(breakerMachine, {
        id,
        clock: toXStateClock(clock),
        input: { openDurationMs: 100, halfOpenProbes: 1 },
      }).start();
      actor.subscribe((snapshot) => {
        if (snapshot.matches('halfOpen')) order.push(id);
      });
      return actor;
    });
    // Tripped in the order b, c, a at the same virtual time: same deadline, so scheduling order decides.
    for (const index of [2, 0, 1]) breakers[index]?.send({ type: 'TRIP' });
    clock.advanceBy(100);
    expect(order).toEqual(['b', 'c', 'a']);
  });

  it('runs the machines’ timers without Math.random (delayed events carry explicit ids)', () => {
    const random = vi.spyOn(Math, 'random');
    const clock = new VirtualClock();
    const agent = createActor(agentMachine, {
      clock: toXStateClock(clock),
      input: { agentId: 'a', restartBackoffMs: 50 },
    }).start();
    const breaker = createActor(breakerMachine, {
      clock: toXStateClock(clock),
      input: { openDurationMs: 20, halfOpenProbes: 1 },
    }).start();
    for (let round = 0; round < 3; round++) {
      agent.send({ type: 'CRASHED', error: { name: 'Error', code: 'X', message: 'x' } });
      agent.send({ type: 'RESTART' });
      breaker.send({ type: 'TRIP' });
      clock.advanceBy(20);
      breaker.send({ type: 'PROBE_STARTED' });
      breaker.send({ type: 'PROBE_FAILED' });
      clock.runAll();
      breaker.send({ type: 'RESET' });
    }
    expect(agent.getSnapshot().value).toBe('starting');
    // Each round ends when the agent's backoff (50, 100, 200 ms: doubling per crash) elapses.
    expect(clock.now()).toBe(50 + 100 + 200);
    expect(random).not.toHaveBeenCalled();
  });
});
