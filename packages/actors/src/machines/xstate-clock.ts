import type { Clock, TimerHandle } from '@flotilla/core';

/**
 * The timer interface `createActor(machine, { clock })` expects (XState's `Clock`, declared here with the
 * same shape so callers need not reach into XState's internals). XState schedules every delayed event
 * (`after` transitions, delayed `raise`/`sendTo`) through it and through nothing else.
 */
export interface XStateClock {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- XState's own signature
  setTimeout(fn: (...args: any[]) => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
}

/**
 * Adapts one of our {@link Clock}s to the clock XState's actors take, so a machine's `after` transitions run
 * on the same time as the rest of Flotilla: the system clock in the runtime, a `VirtualClock` in the
 * simulator and in tests. With a `VirtualClock`, delayed events fire in a total order — by deadline, then by
 * the order they were scheduled — where XState's own `SimulatedClock` orders by deadline alone.
 *
 * Negative delays are clamped to 0, as the host's `setTimeout` does; a non-finite delay is refused by the
 * clock with a `ConfigError` naming `delayMs`.
 *
 * @example
 * ```ts
 * const clock = new VirtualClock();
 * const breaker = createActor(breakerMachine, {
 *   clock: toXStateClock(clock),
 *   input: { openDurationMs: 5_000, halfOpenProbes: 1 },
 * }).start();
 * breaker.send({ type: 'TRIP' });
 * clock.advanceBy(5_000);
 * breaker.getSnapshot().value; // 'halfOpen'
 * ```
 */
export function toXStateClock(clock: Clock): XStateClock {
  return {
    setTimeout: (fn, ms) => clock.setTimer(Math.max(0, ms), fn),
    clearTimeout: (id) => clock.clearTimer(id as TimerHandle),
  };
}
