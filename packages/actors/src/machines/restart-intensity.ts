import { ConfigError, checkInteger, checkNumber, checkPositive } from '@flotilla/core';

/** Largest `maxRestarts` a {@link RestartIntensity} accepts: it keeps that many restart times. */
export const MAX_RESTART_INTENSITY = 10_000;

/** Options of {@link createRestartIntensity}: at most `maxRestarts` restarts within any `withinMs`. */
export interface RestartIntensityOptions {
  /** Restarts tolerated within the period; an integer in `[0, MAX_RESTART_INTENSITY]` (0: never restart). */
  readonly maxRestarts: number;
  /** Length of the sliding period, in milliseconds; > 0. */
  readonly withinMs: number;
}

/** What a supervisor does about a failed child: restart it, or give up and fail itself upwards. */
export type RestartDecision = 'restart' | 'escalate';

/** The serializable state of a {@link RestartIntensity}: the latest restart times, oldest first. */
export interface RestartIntensityState {
  /** At most `maxRestarts` times (ms on the supervisor's clock), non-decreasing. */
  readonly restartTimesMs: readonly number[];
}

/** The supervisor's restart-intensity limit; see {@link createRestartIntensity}. */
export interface RestartIntensity {
  readonly maxRestarts: number;
  readonly withinMs: number;
  /**
   * Records a restart at `nowMs` (non-decreasing across calls) and says whether it is allowed: `escalate`
   * when, counting this one, more than `maxRestarts` restarts happened within the last `withinMs`.
   */
  recordRestart(nowMs: number): RestartDecision;
  /** Restarts recorded so far that are still within the window at `nowMs` (for backoff that grows with them). */
  restartsWithin(nowMs: number): number;
  /** A copy of the state, plain data (JSON-safe). */
  state(): RestartIntensityState;
  /** Replaces the state with `state`, after validating all of it; a bad state changes nothing. */
  restore(state: RestartIntensityState): void;
  /** Forgets every restart. */
  reset(): void;
}

/**
 * The restart-intensity limit of Erlang/OTP supervisors (`intensity` and `period`; Akka's
 * `maxNrOfRetries` within `withinTimeRange`): a child may be restarted at most `maxRestarts` times within
 * any sliding window of `withinMs`; the restart that would exceed that escalates, and the supervisor fails
 * upwards instead of restarting in a loop.
 *
 * As in OTP, a restart at `t` counts at `nowMs` when `nowMs − t ≤ withinMs` (the window is closed at both
 * ends), and every call is recorded, an escalated one included, so a child failing in a burst keeps
 * escalating until the burst leaves the window. The window slides (OTP) rather than starting at the first
 * failure (Akka), so no boundary lets `2 · maxRestarts` restarts through in quick succession. Memory is
 * bounded: only the latest `maxRestarts` times are kept, which is all the decision needs.
 *
 * Throws a `ConfigError` naming the field and the value for bad options.
 *
 * @example
 * ```ts
 * const intensity = createRestartIntensity({ maxRestarts: 2, withinMs: 1_000 });
 * intensity.recordRestart(0); // 'restart'
 * intensity.recordRestart(400); // 'restart'
 * intensity.recordRestart(900); // 'escalate': three restarts within 1 s
 * intensity.recordRestart(2_500); // 'restart': the burst has left the window
 * ```
 */
export function createRestartIntensity(options: RestartIntensityOptions): RestartIntensity {
  if (typeof options !== 'object' || options === null)
    throw new ConfigError('options', 'be an object', options);
  const maxRestarts = checkInteger('maxRestarts', options.maxRestarts, 0, MAX_RESTART_INTENSITY);
  const withinMs = checkPositive('withinMs', options.withinMs);
  return new SlidingRestartIntensity(maxRestarts, withinMs);
}

/** A ring of the latest `maxRestarts` restart times. */
class SlidingRestartIntensity implements RestartIntensity {
  private readonly ring: Float64Array;
  private head = 0; // where the next time goes
  private count = 0;
  private lastMs = Number.NEGATIVE_INFINITY;

  constructor(
    readonly maxRestarts: number,
    readonly withinMs: number,
  ) {
    this.ring = new Float64Array(maxRestarts);
  }

  recordRestart(nowMs: number): RestartDecision {
    checkNumber('nowMs', nowMs, this.lastMs === Number.NEGATIVE_INFINITY ? {} : { min: this.lastMs });
    this.lastMs = nowMs;
    // Times are non-decreasing, so more than maxRestarts restarts (this one included) fall within the window
    // exactly when the ring is full and its oldest time, the maxRestarts-th latest, is inside it.
    const escalate =
      this.maxRestarts === 0 ||
      (this.count === this.maxRestarts && nowMs - (this.ring[this.oldestIndex()] as number) <= this.withinMs);
    if (this.maxRestarts > 0) {
      this.ring[this.head] = nowMs;
      this.head = (this.head + 1) % this.maxRestarts;
      if (this.count < this.maxRestarts) this.count++;
    }
    return escalate ? 'escalate' : 'restart';
  }

  restartsWithin(nowMs: number): number {
    let within = 0;
    for (let i = 0, index = this.oldestIndex(); i < this.count; i++, index = (index + 1) % this.maxRestarts) {
      if (nowMs - (this.ring[index] as number) <= this.withinMs) within++;
    }
    return within;
  }

  state(): RestartIntensityState {
    const restartTimesMs: number[] = [];
    for (let i = 0, index = this.oldestIndex(); i < this.count; i++, index = (index + 1) % this.maxRestarts) {
      restartTimesMs.push(this.ring[index] as number);
    }
    return { restartTimesMs };
  }

  restore(state: RestartIntensityState): void {
    if (typeof state !== 'object' || state === null) throw new ConfigError('state', 'be an object', state);
    const times: unknown = state.restartTimesMs;
    if (!Array.isArray(times)) throw new ConfigError('state.restartTimesMs', 'be an array', times);
    if (times.length > this.maxRestarts) {
      throw new ConfigError(
        'state.restartTimesMs.length',
        `be ≤ maxRestarts (${this.maxRestarts})`,
        times.length,
      );
    }
    // Validate everything before touching the ring: a bad state changes nothing.
    let previous = Number.NEGATIVE_INFINITY;
    times.forEach((time: unknown, index) => {
      const field = `state.restartTimesMs[${index}]`;
      previous = checkNumber(field, time, previous === Number.NEGATIVE_INFINITY ? {} : { min: previous });
    });
    this.reset();
    for (const time of times as number[]) {
      this.ring[this.head] = time;
      this.head = (this.head + 1) % this.maxRestarts;
      this.count++;
    }
    this.lastMs = previous;
  }

  reset(): void {
    this.head = 0;
    this.count = 0;
    this.lastMs = Number.NEGATIVE_INFINITY;
  }

  private oldestIndex(): number {
    const start = this.head - this.count;
    return start < 0 ? start + this.maxRestarts : start;
  }
}
