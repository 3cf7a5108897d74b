import { checkInteger, ConfigError } from '@flotilla/core';
import type { Distribution, Rng } from '@flotilla/core';
import { compileMix, type WorkloadMix } from './mix.js';
import { checkOptions, fieldPath } from './validate.js';
import type { Workload, WorkloadContext } from './workload.js';

/** Parameters of {@link closedLoopWorkload}. */
export interface ClosedLoopWorkloadOptions {
  /** Number of clients, an integer ≥ 1: at most this many tasks are outstanding at once. */
  readonly clients: number;
  /** Time a client waits between one task's outcome and its next submission, ms (negatives count as 0). */
  readonly thinkTime: Distribution;
  readonly mix: WorkloadMix;
  /**
   * Whether each client thinks before its first submission (default true). Starting with a think time
   * spreads the first submissions out as in the steady state; `false` submits `clients` tasks at once at
   * the start, a synchronized burst that a closed system never sees again.
   */
  readonly startThinking?: boolean;
}

/** The workload {@link closedLoopWorkload} returns. */
export interface ClosedLoopWorkload extends Workload {
  readonly name: 'closed-loop';
  readonly clients: number;
}

/**
 * A closed system of `clients` users: each submits a task, waits for its terminal outcome (completed or
 * not), thinks, and submits again. The load therefore adapts to the system: with a fixed response time R
 * and mean think time Z, throughput is `clients / (Z + R)` (the interactive response-time law).
 *
 * Each client draws from its own streams, forks `client-<i>` of the run's stream (`client-3/think`,
 * `client-3/priority`, ...), so a client's k-th think time and k-th task are the same in two runs whose
 * strategies finish tasks in a different order: comparisons between strategies see common random numbers.
 * State is O(clients).
 *
 * A client whose task ends at once (rejected on submit) and whose think time is 0 resubmits at the same
 * simulated time, forever while the run is active: give clients a positive think time when tasks can be
 * rejected and the run stops on time rather than on a task count.
 *
 * @param field - where the options sit in a config, prefixed to names in errors (`workload[0].clients`).
 * @throws {@link ConfigError} unless `clients` is an integer ≥ 1, `thinkTime` a {@link Distribution} and
 *   `mix` valid.
 *
 * @example
 * ```ts
 * // 50 users, each thinking 2 s on average between requests.
 * const workload = closedLoopWorkload({
 *   clients: 50,
 *   thinkTime: exponential({ mean: 2_000 }),
 *   mix: { type: 'worker', priority: 'high' },
 * });
 * ```
 */
export function closedLoopWorkload(options: ClosedLoopWorkloadOptions, field = ''): ClosedLoopWorkload {
  checkOptions(field, options);
  const clients = checkInteger(fieldPath(field, 'clients'), options.clients, 1);
  const thinkTime: unknown = options.thinkTime;
  if (typeof (thinkTime as Partial<Distribution> | null | undefined)?.sample !== 'function') {
    throw new ConfigError(
      fieldPath(field, 'thinkTime'),
      'be a Distribution (e.g. exponential({ mean }))',
      thinkTime,
    );
  }
  const think = thinkTime as Distribution;
  const startThinking = options.startThinking ?? true;
  if (typeof startThinking !== 'boolean') {
    throw new ConfigError(fieldPath(field, 'startThinking'), 'be a boolean', startThinking);
  }
  const mix = compileMix(options.mix, fieldPath(field, 'mix'));

  return {
    name: 'closed-loop',
    clients,
    start(context: WorkloadContext, rng: Rng): void {
      for (let i = 0; i < clients; i++) {
        const clientRng = rng.fork(`client-${i}`);
        const thinkRng = clientRng.fork('think');
        const sample = mix.bind(clientRng);
        let outstanding = false;
        const submit = (): void => {
          if (!context.active()) return;
          outstanding = true;
          context.submit(sample(), done);
        };
        // Guarded: an outcome reported twice must not start a second loop for this client.
        const done = (): void => {
          if (!outstanding) return;
          outstanding = false;
          if (!context.active()) return;
          context.at(context.now() + Math.max(0, think.sample(thinkRng)), submit);
        };
        if (startThinking) context.at(context.now() + Math.max(0, think.sample(thinkRng)), submit);
        else context.at(context.now(), submit);
      }
    },
  };
}
