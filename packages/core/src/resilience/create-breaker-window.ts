import { ConfigError } from '../errors/config-error.js';
import { checkOneOf } from '../errors/validate.js';
import type { BreakerWindow, BreakerWindowKind } from './breaker-window.js';
import {
  ConsecutiveFailureWindow,
  type ConsecutiveFailureWindowOptions,
} from './consecutive-failure-window.js';
import { CountSlidingWindow, type CountSlidingWindowOptions } from './count-sliding-window.js';
import { TimeSlidingWindow, type TimeSlidingWindowOptions } from './time-sliding-window.js';

/** Every {@link BreakerWindowKind}, in the order the docs present them. */
export const BREAKER_WINDOW_KINDS: readonly BreakerWindowKind[] = ['consecutive', 'count', 'time'];

/**
 * The configuration of a breaker window as it appears in a fleet or scenario file, tagged by `kind`:
 * - `consecutive`: {@link ConsecutiveFailureWindowOptions};
 * - `count`: {@link CountSlidingWindowOptions};
 * - `time`: {@link TimeSlidingWindowOptions}.
 */
export type BreakerWindowSpec =
  | ({ readonly kind: 'consecutive' } & ConsecutiveFailureWindowOptions)
  | ({ readonly kind: 'count' } & CountSlidingWindowOptions)
  | ({ readonly kind: 'time' } & TimeSlidingWindowOptions);

/**
 * Builds the window a spec describes. Throws a {@link ConfigError} naming the bad field (`kind`, or a field
 * of the chosen kind's options) and its value.
 *
 * @example
 * ```ts
 * const window = createBreakerWindow({
 *   kind: 'count', size: 100, minimumCalls: 20, failureRateThreshold: 0.5,
 *   slowCallRateThreshold: 0.8, slowCallDurationMs: 2_000,
 * });
 * window.record({ success: true, durationMs: 2_500 }, clock.now());
 * ```
 */
export function createBreakerWindow(spec: BreakerWindowSpec): BreakerWindow {
  if (typeof spec !== 'object' || spec === null) throw new ConfigError('spec', 'be an object', spec);
  checkOneOf('kind', spec.kind, BREAKER_WINDOW_KINDS);
  switch (spec.kind) {
    case 'consecutive':
      return new ConsecutiveFailureWindow(spec);
    case 'count':
      return new CountSlidingWindow(spec);
    case 'time':
      return new TimeSlidingWindow(spec);
  }
}
