import { checkPositive, exponential } from '@flotilla/core';
import type { Rng } from '@flotilla/core';
import { compileMix, type WorkloadMix } from './mix.js';
import { scheduleOpenLoop } from './open-loop.js';
import { checkOptions, fieldPath } from './validate.js';
import type { Workload, WorkloadContext } from './workload.js';

/** Parameters of {@link poissonWorkload}. */
export interface PoissonWorkloadOptions {
  /** Arrivals per simulated second, > 0. */
  readonly ratePerSec: number;
  readonly mix: WorkloadMix;
}

/** The workload {@link poissonWorkload} returns. */
export interface PoissonWorkload extends Workload {
  readonly name: 'poisson';
  /** Long-run arrivals per simulated second. */
  readonly meanRatePerSec: number;
}

/**
 * Poisson arrivals: independent exponential gaps with mean `1000 / ratePerSec` ms. The gaps come from the
 * fork `arrivals` of the run's stream, the mix from its own forks (see {@link compileMix}).
 *
 * @param field - where the options sit in a config, prefixed to names in errors (`workload[0].ratePerSec`).
 * @throws {@link ConfigError} unless `ratePerSec` is finite and > 0 and `mix` is valid.
 *
 * @example
 * ```ts
 * const workload = poissonWorkload({ ratePerSec: 90, mix: { type: 'worker', priority: 'medium' } });
 * workload.start(context, createRng(42).fork('workload'));
 * ```
 */
export function poissonWorkload(options: PoissonWorkloadOptions, field = ''): PoissonWorkload {
  checkOptions(field, options);
  const ratePerSec = checkPositive(fieldPath(field, 'ratePerSec'), options.ratePerSec);
  const mix = compileMix(options.mix, fieldPath(field, 'mix'));
  // Per second in the options, per millisecond in the simulation: converted once, here.
  const gaps = exponential({ mean: 1000 / ratePerSec });
  return {
    name: 'poisson',
    meanRatePerSec: ratePerSec,
    start(context: WorkloadContext, rng: Rng): void {
      const arrivals = rng.fork('arrivals');
      scheduleOpenLoop(context, (time) => time + gaps.sample(arrivals), mix.bindShared(rng));
    },
  };
}
