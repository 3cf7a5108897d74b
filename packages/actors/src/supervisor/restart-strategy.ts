import { createRestartIntensity } from '../machines/restart-intensity.js';
import { checkInteger, checkName, checkNumber, checkOneOf, checkPositive, ConfigError } from '@flotilla/core';

/** Which children restart when one fails, after Erlang/OTP and Akka. */
export const RESTART_STRATEGIES = ['one-for-one', 'one-for-all'] as const;

/**
 * One of {@link RESTART_STRATEGIES}:
 * - `one-for-one`: only the failed child restarts (independent children, e.g. agents of a pool);
 * - `one-for-all`: every registered child restarts (children that share state or a protocol).
 */
export type RestartStrategyKind = (typeof RESTART_STRATEGIES)[number];

/** Most restarts an intensity limit may allow; the window keeps one timestamp per restart. */
export const MAX_RESTARTS_LIMIT = 10_000;

/** Options of {@link createRestartStrategy}. */
export interface RestartStrategyOptions {
  readonly strategy: RestartStrategyKind;
  /** Restarts allowed within `withinMs`; one more failure escalates. An integer in `[0, 10000]`. */
  readonly maxRestarts: number;
  /** The intensity window, > 0. */
  readonly withinMs: number;
  /** Delay before the first restart of a window; doubles per further restart within it. ≥ 0. */
  readonly backoffMs: number;
  /** Cap on the doubled delay; ≥ `backoffMs`. Default `max(backoffMs, 30000)`. */
  readonly maxBackoffMs?: number;
}

/** What to do about a failed child. */
export type RestartStrategyDecision =
  | {
      readonly action: 'restart';
      /** The children to restart, in registration order. */
      readonly childIds: readonly string[];
      /** Wait this long, on the owner's clock, before restarting them. */
      readonly delayMs: number;
    }
  | {
      /** More than `maxRestarts` within `withinMs`: give up and fail the owner, as an OTP supervisor does. */
      readonly action: 'escalate';
    };

/** Serializable state of a {@link RestartStrategy}: plain JSON, for `createRestartStrategy(options, state)`. */
export interface RestartStrategyState {
  readonly children: readonly string[];
  /** Times of the restarts still inside the window, oldest first. */
  readonly restartTimesMs: readonly number[];
}

/** The restart policy of a supervisor's children; see {@link createRestartStrategy}. */
export interface RestartStrategy {
  readonly strategy: RestartStrategyKind;
  /** Adds a child the supervisor owns. Registering an id twice is a no-op. */
  register(childId: string): void;
  /** Removes a child (it stopped for good). */
  unregister(childId: string): void;
  /** The registered children, in registration order. */
  children(): readonly string[];
  /** Decides about the failure of registered child `childId` at `nowMs`, and counts the restart. */
  onChildFailed(childId: string, nowMs: number): RestartStrategyDecision;
  state(): RestartStrategyState;
}

/**
 * A restart strategy with an intensity limit and backoff, driven by the caller's clock (it reads no time
 * and sets no timer):
 * - the intensity limit, OTP's rule (the same `createRestartIntensity` the fleet applies to worker
 *   threads): a failure that makes more than `maxRestarts` failures within `withinMs` (a failure exactly
 *   `withinMs` ago included) escalates instead; every failure is counted, escalated or not;
 * - the backoff: `backoffMs · 2^k`, capped at `maxBackoffMs`, where `k` is the number of restarts already
 *   in the window, so a crash loop slows down and a child that stays up for `withinMs` starts afresh.
 *
 * One strategy instance covers all the children of one supervisor (as in OTP, intensity is per
 * supervisor: a one-for-all restart counts once, however many children it restarts).
 *
 * @example
 * ```ts
 * const restarts = createRestartStrategy({ strategy: 'one-for-all', maxRestarts: 2, withinMs: 60_000, backoffMs: 100 });
 * restarts.register('worker-0');
 * restarts.register('worker-1');
 * restarts.onChildFailed('worker-1', 0); // { action: 'restart', childIds: ['worker-0', 'worker-1'], delayMs: 100 }
 * restarts.onChildFailed('worker-0', 10); // { action: 'restart', …, delayMs: 200 }
 * restarts.onChildFailed('worker-0', 20); // { action: 'escalate' }
 * ```
 */
export function createRestartStrategy(
  options: RestartStrategyOptions,
  state?: RestartStrategyState,
): RestartStrategy {
  if (typeof options !== 'object' || options === null)
    throw new ConfigError('options', 'be an object', options);
  const strategy = checkOneOf('strategy', options.strategy, RESTART_STRATEGIES);
  const maxRestarts = checkInteger('maxRestarts', options.maxRestarts, 0, MAX_RESTARTS_LIMIT);
  const withinMs = checkPositive('withinMs', options.withinMs);
  const backoffMs = checkNumber('backoffMs', options.backoffMs, { min: 0 });
  const maxBackoffMs =
    options.maxBackoffMs === undefined
      ? Math.max(backoffMs, 30_000)
      : checkNumber('maxBackoffMs', options.maxBackoffMs, { min: backoffMs });

  const children: string[] = [];
  // The intensity limit is the one the fleet's worker restarts use: one rule for "too many restarts".
  const intensity = createRestartIntensity({ maxRestarts, withinMs });
  if (state !== undefined) {
    if (!Array.isArray(state.children))
      throw new ConfigError('state.children', 'be an array', state.children);
    state.children.forEach((id, i) => checkName(`state.children[${i}]`, id));
    if (!Array.isArray(state.restartTimesMs)) {
      throw new ConfigError('state.restartTimesMs', 'be an array', state.restartTimesMs);
    }
    state.restartTimesMs.forEach((t, i) => checkNumber(`state.restartTimesMs[${i}]`, t));
    const sorted = state.restartTimesMs.slice().sort((a, b) => a - b);
    intensity.restore({ restartTimesMs: maxRestarts === 0 ? [] : sorted.slice(-maxRestarts) });
    children.push(...new Set(state.children));
  }

  return {
    strategy,
    register(childId) {
      checkName('childId', childId);
      if (!children.includes(childId)) children.push(childId);
    },
    unregister(childId) {
      const index = children.indexOf(childId);
      if (index >= 0) children.splice(index, 1);
    },
    children: () => children.slice(),
    onChildFailed(childId, nowMs) {
      checkName('childId', childId);
      checkNumber('nowMs', nowMs);
      if (!children.includes(childId)) {
        throw new ConfigError('childId', 'be a registered child (call register first)', childId);
      }
      const earlier = intensity.restartsWithin(nowMs);
      if (intensity.recordRestart(nowMs) === 'escalate') return { action: 'escalate' };
      // 0 · 2^k stays 0 even when 2^k overflows to Infinity (0 · Infinity would be NaN).
      const delayMs = backoffMs === 0 ? 0 : Math.min(maxBackoffMs, backoffMs * 2 ** earlier);
      return {
        action: 'restart',
        childIds: strategy === 'one-for-one' ? [childId] : children.slice(),
        delayMs,
      };
    },
    state: () => ({ children: children.slice(), restartTimesMs: [...intensity.state().restartTimesMs] }),
  };
}
