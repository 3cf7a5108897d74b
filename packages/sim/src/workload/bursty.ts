import { checkNumber, checkPositive, exponential } from '@flotilla/core';
import type { Rng } from '@flotilla/core';
import { compileMix, type WorkloadMix } from './mix.js';
import { scheduleOpenLoop } from './open-loop.js';
import { checkOptions, fieldPath } from './validate.js';
import type { Workload, WorkloadContext } from './workload.js';

/** Parameters of {@link burstyWorkload}. */
export interface BurstyWorkloadOptions {
  /** Arrivals per simulated second while "on", > 0. */
  readonly rateOnPerSec: number;
  /** Arrivals per simulated second while "off", ≥ 0 (0 gives an on-off process). */
  readonly rateOffPerSec: number;
  /** Mean length of an "on" period, ms, > 0. */
  readonly meanOnMs: number;
  /** Mean length of an "off" period, ms, > 0. */
  readonly meanOffMs: number;
  readonly mix: WorkloadMix;
}

/** The workload {@link burstyWorkload} returns. */
export interface BurstyWorkload extends Workload {
  readonly name: 'bursty';
  /** Long-run arrivals per simulated second: `(rateOn·meanOn + rateOff·meanOff) / (meanOn + meanOff)`. */
  readonly meanRatePerSec: number;
}

/**
 * A two-state Markov-modulated Poisson process (MMPP-2): the source alternates between "on" and "off"
 * periods of exponential length, emitting Poisson arrivals at the state's rate. With `rateOffPerSec: 0`
 * it is the classic on-off source, the simplest model of bursty traffic.
 *
 * The run starts in the stationary state (on with probability `meanOn / (meanOn + meanOff)`), so the
 * arrival rate is the long-run rate from time zero, not after a transient. Simulation is exact, with no
 * time step: within a period, draw an exponential gap at the period's rate; if it ends after the period
 * does, move to the switch and draw afresh in the new state, which memorylessness makes exact. Gaps come
 * from the fork `arrivals`, period lengths and the initial state from the fork `phases`.
 *
 * @param field - where the options sit in a config, prefixed to names in errors (`workload[0].meanOnMs`).
 * @throws {@link ConfigError} unless the rates and means are as documented on
 *   {@link BurstyWorkloadOptions} and `mix` is valid.
 *
 * @example
 * ```ts
 * // Bursts of 200/s lasting 2 s on average, separated by 18 s of silence: 20/s in the long run.
 * const workload = burstyWorkload({
 *   rateOnPerSec: 200,
 *   rateOffPerSec: 0,
 *   meanOnMs: 2_000,
 *   meanOffMs: 18_000,
 *   mix: { type: 'worker', priority: 'medium' },
 * });
 * ```
 */
export function burstyWorkload(options: BurstyWorkloadOptions, field = ''): BurstyWorkload {
  checkOptions(field, options);
  const rateOn = checkPositive(fieldPath(field, 'rateOnPerSec'), options.rateOnPerSec);
  const rateOff = checkNumber(fieldPath(field, 'rateOffPerSec'), options.rateOffPerSec, { min: 0 });
  const meanOnMs = checkPositive(fieldPath(field, 'meanOnMs'), options.meanOnMs);
  const meanOffMs = checkPositive(fieldPath(field, 'meanOffMs'), options.meanOffMs);
  const mix = compileMix(options.mix, fieldPath(field, 'mix'));

  const gapOn = exponential({ mean: 1000 / rateOn });
  // No arrivals at all while off when the rate is 0: the period is skipped whole.
  const gapOff = rateOff > 0 ? exponential({ mean: 1000 / rateOff }) : undefined;
  const periodOn = exponential({ mean: meanOnMs });
  const periodOff = exponential({ mean: meanOffMs });
  const probabilityOn = meanOnMs / (meanOnMs + meanOffMs);

  return {
    name: 'bursty',
    meanRatePerSec: rateOn * probabilityOn + rateOff * (1 - probabilityOn),
    start(context: WorkloadContext, rng: Rng): void {
      const arrivals = rng.fork('arrivals');
      const phases = rng.fork('phases');
      let on = phases.next() < probabilityOn;
      // The stationary residual of an exponential period is the same exponential: memorylessness again.
      let periodEnd = context.now() + (on ? periodOn : periodOff).sample(phases);
      const next = (time: number): number => {
        let from = time;
        for (;;) {
          const gap = on ? gapOn : gapOff;
          if (gap !== undefined) {
            const candidate = from + gap.sample(arrivals);
            if (candidate < periodEnd) return candidate;
          }
          from = periodEnd;
          on = !on;
          periodEnd = from + (on ? periodOn : periodOff).sample(phases);
        }
      };
      scheduleOpenLoop(context, next, mix.bindShared(rng));
    },
  };
}
