import { checkInteger, checkName, checkPriority, PRIORITIES } from '@flotilla/core';
import type { Priority, Rng } from '@flotilla/core';
import { checkOptions, checkWeights, fieldPath } from './validate.js';
import { WeightedChoice } from './weighted-choice.js';
import type { Arrival } from './workload.js';

/**
 * What each arrival of a workload carries besides its time: a task type, a priority and optionally a
 * tenant and an affinity key, each fixed or drawn per arrival.
 *
 * @example
 * ```ts
 * const mix: WorkloadMix = {
 *   type: 'llm',
 *   priority: { high: 1, medium: 8, low: 1 }, // 10% high, 80% medium, 10% low
 *   tenants: { acme: 3, globex: 1 },
 *   affinityKeys: 1000, // keys "0" … "999", uniformly
 * };
 * ```
 */
export interface WorkloadMix {
  /** Task type: the agent type that serves it. */
  readonly type: string;
  /** One priority for every arrival, or weights ≥ 0 per priority (missing priorities weigh 0). */
  readonly priority: Priority | Readonly<Partial<Record<Priority, number>>>;
  /** Weights ≥ 0 per tenant name; no tenant on the arrivals when absent. */
  readonly tenants?: Readonly<Record<string, number>>;
  /** Number of distinct affinity keys, drawn uniformly as the strings `"0"` … `"n-1"`; none when absent. */
  readonly affinityKeys?: number;
}

/** An {@link Arrival} under construction: trace readers add their row's sizes before submitting it. */
export type MutableArrival = { -readonly [K in keyof Arrival]: Arrival[K] };

/** Draws the mix fields of one arrival; a fresh object each call. */
export type MixSampler = () => MutableArrival;

/**
 * A validated {@link WorkloadMix}, ready to be bound to a run's random streams. Workloads compile their mix
 * once, at construction, so bad input fails before a run starts.
 */
export interface CompiledMix {
  readonly mix: WorkloadMix;
  /**
   * A sampler drawing from forks of `rng` named `priority`, `tenant` and `affinity`: one stream per field,
   * so adding a field to the mix shifts neither the others nor the arrival times (which come from their
   * own fork). A field that is fixed or absent draws nothing.
   */
  bind(rng: Rng): MixSampler;
  /**
   * Like `bind`, for callers that only read the arrivals: a mix with nothing to draw (one priority, no
   * tenants, no affinity keys) answers the same frozen arrival every time, one object fewer per task.
   */
  bindShared(rng: Rng): () => Arrival;
}

/**
 * Validates `mix` and prepares its weight tables.
 *
 * @param field - where the mix sits in a config, prefixed to names in errors (`workload[0].mix.tenants.a`).
 * @throws {@link ConfigError} naming the field and the value when the mix is not as {@link WorkloadMix}
 *   describes (an empty type, an unknown priority, a negative weight, all weights zero, ...).
 *
 * @example
 * ```ts
 * const compiled = compileMix({ type: 'llm', priority: { high: 1, low: 3 } });
 * const sample = compiled.bind(createRng(42).fork('workload'));
 * sample(); // { type: 'llm', priority: 'low' } three times in four
 * ```
 */
export function compileMix(mix: WorkloadMix, field = 'mix'): CompiledMix {
  checkOptions(field, mix);
  const type = checkName(fieldPath(field, 'type'), mix.type);
  const priorityField = fieldPath(field, 'priority');
  const fixedPriority =
    typeof mix.priority === 'string' ? checkPriority(priorityField, mix.priority) : undefined;
  const priorities =
    fixedPriority === undefined ? checkWeights(priorityField, mix.priority, PRIORITIES) : undefined;
  const tenants =
    mix.tenants === undefined ? undefined : checkWeights(fieldPath(field, 'tenants'), mix.tenants);
  const affinityKeys =
    mix.affinityKeys === undefined
      ? undefined
      : checkInteger(fieldPath(field, 'affinityKeys'), mix.affinityKeys, 1, 2 ** 32);

  const priorityChoice =
    priorities === undefined
      ? undefined
      : new WeightedChoice(priorities.keys as Priority[], priorities.weights);
  const tenantChoice = tenants === undefined ? undefined : new WeightedChoice(tenants.keys, tenants.weights);

  const constant =
    priorityChoice === undefined && tenantChoice === undefined && affinityKeys === undefined
      ? Object.freeze<Arrival>({ type, priority: fixedPriority as Priority })
      : undefined;

  return {
    mix,
    bindShared(rng: Rng): () => Arrival {
      if (constant === undefined) return this.bind(rng);
      return () => constant;
    },
    bind(rng: Rng): MixSampler {
      const priorityRng = rng.fork('priority');
      const tenantRng = rng.fork('tenant');
      const affinityRng = rng.fork('affinity');
      return () => {
        const arrival: MutableArrival = {
          type,
          priority:
            priorityChoice === undefined ? (fixedPriority as Priority) : priorityChoice.pick(priorityRng),
        };
        if (tenantChoice !== undefined) arrival.tenant = tenantChoice.pick(tenantRng);
        if (affinityKeys !== undefined) arrival.affinityKey = String(affinityRng.nextInt(affinityKeys));
        return arrival;
      };
    },
  };
}
