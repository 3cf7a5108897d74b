import { checkNumber } from '../errors/validate.js';
import { ConfigError } from '../errors/config-error.js';

/** Options of a {@link TimeWeightedGauge}. */
export interface TimeWeightedGaugeOptions {
  /** The level at `startMs`. Default 0. */
  readonly initialValue?: number;
  /** Start of the averaging window. Default 0. */
  readonly startMs?: number;
}

/**
 * A level that holds between changes (queue depth, busy slots, open connections), with its time-weighted
 * mean: the integral of the level over time divided by the elapsed time. Sampling such a level at events
 * over-weights busy periods (more events happen then); integrating the step function does not.
 *
 * Time is passed in by the caller (the clock's `now()`), never read. A `nowMs` earlier than the last one
 * seen counts as no time elapsed: the gauge never integrates backwards.
 *
 * @example
 * ```ts
 * const depth = new TimeWeightedGauge({ startMs: 0 });
 * depth.set(4, 0); // 4 for 10 ms
 * depth.set(0, 10); // then 0 for 30 ms
 * depth.mean(40); // (4 × 10 + 0 × 30) / 40 = 1
 * depth.max; // 4
 * ```
 */
export class TimeWeightedGauge {
  private value: number;
  // Doubles from the start (`-0` here, overwritten by the constructor): the first step at a fractional
  // time otherwise changed these fields' representation, and with it the hidden class of every gauge, which
  // deoptimized whatever had read one (the simulator's loop reads a gauge after every event).
  private startMs = -0;
  private lastMs = -0;
  private areaSinceStart = -0;
  private maxValue: number;
  private minValue: number;

  constructor(options: TimeWeightedGaugeOptions = {}) {
    this.value = checkNumber('initialValue', options.initialValue ?? 0);
    this.startMs = checkNumber('startMs', options.startMs ?? 0);
    this.lastMs = this.startMs;
    this.areaSinceStart = 0;
    this.maxValue = this.value;
    this.minValue = this.value;
  }

  /** The level now. */
  get current(): number {
    return this.value;
  }

  /** The largest level taken since start or the last reset, even momentarily. */
  get max(): number {
    return this.maxValue;
  }

  /** The smallest level taken since start or the last reset, even momentarily. */
  get min(): number {
    return this.minValue;
  }

  /** Changes the level to `value` at `nowMs`. */
  set(value: number, nowMs: number): void {
    if (value - value !== 0) throw new ConfigError('value', 'be a finite number', value);
    this.advance(nowMs);
    this.value = value;
    if (value > this.maxValue) this.maxValue = value;
    if (value < this.minValue) this.minValue = value;
  }

  /** Changes the level by `delta` at `nowMs` (e.g. +1 on enqueue, −1 on dequeue). */
  add(delta: number, nowMs: number): void {
    if (delta - delta !== 0) throw new ConfigError('delta', 'be a finite number', delta);
    this.set(this.value + delta, nowMs);
  }

  /** ∫ level dt from the start (or last reset) to `nowMs`, in level × milliseconds (e.g. slot-ms). */
  integral(nowMs: number): number {
    if (nowMs - nowMs !== 0) throw new ConfigError('nowMs', 'be a finite number', nowMs);
    return this.areaSinceStart + this.value * Math.max(0, nowMs - this.lastMs);
  }

  /**
   * The time-weighted mean level from the start (or last reset) to `nowMs`. With no time elapsed it is
   * the current level, the only value the gauge has held.
   */
  mean(nowMs: number): number {
    const area = this.integral(nowMs);
    const elapsedMs = Math.max(nowMs, this.lastMs) - this.startMs;
    return elapsedMs > 0 ? area / elapsedMs : this.value;
  }

  /** Starts a new averaging window at `nowMs`; the current level carries over. */
  reset(nowMs: number): void {
    checkNumber('nowMs', nowMs);
    this.startMs = nowMs;
    this.lastMs = nowMs;
    this.areaSinceStart = 0;
    this.maxValue = this.value;
    this.minValue = this.value;
  }

  private advance(nowMs: number): void {
    if (nowMs - nowMs !== 0) throw new ConfigError('nowMs', 'be a finite number', nowMs);
    if (nowMs > this.lastMs) {
      this.areaSinceStart += this.value * (nowMs - this.lastMs);
      this.lastMs = nowMs;
    }
  }
}
