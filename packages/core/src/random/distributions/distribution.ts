import type { Rng } from '../rng.js';

/**
 * A probability distribution over numbers: service times, inter-arrival gaps, payload sizes. Values carry
 * the caller's unit (a service-time distribution built with `mean: 120` for milliseconds yields
 * milliseconds).
 *
 * `sample` draws only from the `rng` it is given and keeps no state between calls, so a stream yields the
 * same values however many distributions share it and whatever else was sampled before.
 *
 * @example
 * ```ts
 * const service: Distribution = exponential({ mean: 120 });
 * const serviceRng = createRng(42).fork('service');
 * const serviceMs = service.sample(serviceRng);
 * ```
 */
export interface Distribution {
  /** The family, equal to the `dist` of its spec: `'exponential'`, `'bounded-pareto'`, ... */
  readonly kind: string;
  /** The exact theoretical mean; `Infinity` where it diverges (Pareto with `alpha ≤ 1`). */
  readonly mean: number;
  /** One value. Allocation-free; draws only from `rng`. */
  sample(rng: Rng): number;
}

/**
 * Largest accepted coefficient of variation. Beyond it the two-branch fits and `ln(1 + cv²)` lose their
 * precision long before they overflow, and no measured workload comes near it.
 */
export const MAX_CV = 1e6;

/**
 * The path of parameter `name` inside the options at `field`, as error messages name it: `mean` at the top
 * level, `service.mean` below a config field.
 */
export function fieldPath(field: string, name: string): string {
  return field === '' ? name : `${field}.${name}`;
}
