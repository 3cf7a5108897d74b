import { checkNumber, checkPositive, exponential } from '@flotilla/core';
import type { Rng } from '@flotilla/core';
import { compileMix, type WorkloadMix } from './mix.js';
import { scheduleOpenLoop } from './open-loop.js';
import { checkOptions, fieldPath } from './validate.js';
import type { Workload, WorkloadContext } from './workload.js';

/** Parameters of {@link diurnalWorkload}. */
export interface DiurnalWorkloadOptions {
  /** Rate averaged over a period, arrivals per simulated second, > 0. */
  readonly meanRatePerSec: number;
  /** Relative swing of the rate, in `[0, 1]`: the rate runs from `mean·(1 − a)` to `mean·(1 + a)`. */
  readonly amplitude: number;
  /** Length of one cycle, ms, > 0 (a simulated day is 86,400,000). */
  readonly periodMs: number;
  /** Shift of the cycle, ms (default 0): the rate is at its mean and rising at `t = −phaseMs`. */
  readonly phaseMs?: number;
  readonly mix: WorkloadMix;
}

/** The workload {@link diurnalWorkload} returns. */
export interface DiurnalWorkload extends Workload {
  readonly name: 'diurnal';
  /** Long-run arrivals per simulated second. */
  readonly meanRatePerSec: number;
  /** The instantaneous rate λ(t), arrivals per simulated second, at simulated time `timeMs`. */
  rateAt(timeMs: number): number;
  /** Expected arrivals in `[fromMs, toMs)`: the integral of λ over it (for tests and capacity plans). */
  expectedArrivals(fromMs: number, toMs: number): number;
}

/**
 * A non-homogeneous Poisson process with a sinusoidal rate, the usual model of daily load:
 * `λ(t) = mean · (1 + amplitude · sin(2π (t + phase) / period))`, t in simulated ms since time zero (not
 * since the workload started, so two diurnal workloads with the same phase peak together).
 *
 * Sampled exactly by Lewis–Shedler thinning: candidates arrive as a Poisson process at
 * `λmax = mean · (1 + amplitude)`, and each is kept with probability `λ(t) / λmax`. On average
 * `1 + amplitude` candidates are drawn per arrival. Candidates and the keep-or-drop draws come from the
 * fork `arrivals`.
 *
 * @param field - where the options sit in a config, prefixed to names in errors (`workload[0].amplitude`).
 * @throws {@link ConfigError} unless the options are as documented on {@link DiurnalWorkloadOptions}.
 *
 * @example
 * ```ts
 * // A simulated day compressed into 24 simulated minutes: 50/s on average, 10/s at night, 90/s at noon.
 * const workload = diurnalWorkload({
 *   meanRatePerSec: 50,
 *   amplitude: 0.8,
 *   periodMs: 24 * 60_000,
 *   phaseMs: -6 * 60_000, // trough at t = 0 (midnight), peak at 12 minutes (noon)
 *   mix: { type: 'worker', priority: 'medium' },
 * });
 * workload.rateAt(12 * 60_000); // 90
 * ```
 */
export function diurnalWorkload(options: DiurnalWorkloadOptions, field = ''): DiurnalWorkload {
  checkOptions(field, options);
  const mean = checkPositive(fieldPath(field, 'meanRatePerSec'), options.meanRatePerSec);
  const amplitude = checkNumber(fieldPath(field, 'amplitude'), options.amplitude, { min: 0, max: 1 });
  const periodMs = checkPositive(fieldPath(field, 'periodMs'), options.periodMs);
  const phaseMs = checkNumber(fieldPath(field, 'phaseMs'), options.phaseMs ?? 0);
  const mix = compileMix(options.mix, fieldPath(field, 'mix'));

  const omega = (2 * Math.PI) / periodMs;
  // sin of the position within the cycle, not of t itself: long runs keep full precision.
  const sinAt = (timeMs: number): number => Math.sin(omega * ((timeMs + phaseMs) % periodMs));
  const peak = 1 + amplitude;
  const candidates = exponential({ mean: 1000 / (mean * peak) });

  return {
    name: 'diurnal',
    meanRatePerSec: mean,
    rateAt: (timeMs) => mean * (1 + amplitude * sinAt(timeMs)),
    expectedArrivals(fromMs, toMs) {
      const cosAt = (timeMs: number): number => Math.cos(omega * ((timeMs + phaseMs) % periodMs));
      const integralMs = toMs - fromMs - (amplitude / omega) * (cosAt(toMs) - cosAt(fromMs));
      return (mean * integralMs) / 1000;
    },
    start(context: WorkloadContext, rng: Rng): void {
      const arrivals = rng.fork('arrivals');
      const next = (time: number): number => {
        let candidate = time;
        for (;;) {
          candidate += candidates.sample(arrivals);
          // Keep with probability λ(t)/λmax. Strict <: where λ(t) = 0 nothing is ever kept.
          if (arrivals.next() * peak < 1 + amplitude * sinAt(candidate)) return candidate;
        }
      };
      scheduleOpenLoop(context, next, mix.bindShared(rng));
    },
  };
}
