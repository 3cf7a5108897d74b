declare const timerBrand: unique symbol;

/** Opaque handle of a timer set on a {@link Clock}. */
export type TimerHandle = { readonly [timerBrand]: true };

/**
 * The only source of time in Flotilla. The runtime uses {@link systemClock}; the simulator and tests use a
 * {@link VirtualClock}. Code that takes a `Clock` cannot tell which one it has, which is what makes a
 * simulation a statement about the runtime.
 */
export interface Clock {
  /** Monotonic milliseconds. Only differences are meaningful; the origin is the clock's own. */
  now(): number;
  /** Calls `callback` once, `delayMs` (≥ 0) from now. */
  setTimer(delayMs: number, callback: () => void): TimerHandle;
  /** Cancels a timer; a no-op if it already fired or was cleared. */
  clearTimer(handle: TimerHandle): void;
}
