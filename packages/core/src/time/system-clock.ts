import { performance } from 'node:perf_hooks';
import type { Clock, TimerHandle } from './clock.js';

/**
 * The host's monotonic clock (`performance.now()`) and timers. The one place in the libraries allowed to
 * use them (see the lint rule in eslint.config.js).
 *
 * @example
 * ```ts
 * const fleet = createFleet({ clock: systemClock, ... }); // the default
 * ```
 */
export const systemClock: Clock = {
  now: () => performance.now(),
  setTimer: (delayMs, callback) => setTimeout(callback, Math.max(0, delayMs)) as unknown as TimerHandle,
  clearTimer: (handle) => clearTimeout(handle as unknown as ReturnType<typeof setTimeout>),
};
