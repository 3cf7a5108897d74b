import { checkNumber } from '../../errors/validate.js';
import type { Distribution } from './distribution.js';
import { fieldPath } from './distribution.js';

/** Parameters of {@link deterministic}. */
export interface DeterministicOptions {
  /** The one value, any finite number. */
  readonly value: number;
}

/** The distribution {@link deterministic} returns. */
export interface DeterministicDistribution extends Distribution {
  readonly kind: 'deterministic';
  readonly value: number;
}

/**
 * Always `value`: the D of M/D/1. Draws nothing from the generator, so replacing another distribution
 * by this one shifts what later draws from the same stream see; give each subsystem its own fork.
 *
 * @param field - where the options sit in a config, prefixed to parameter names in errors.
 * @throws {@link ConfigError} unless `value` is a finite number.
 *
 * @example
 * ```ts
 * const service = deterministic({ value: 100 });
 * service.sample(rng); // 100
 * ```
 */
export function deterministic(options: DeterministicOptions, field = ''): DeterministicDistribution {
  const value = checkNumber(fieldPath(field, 'value'), options.value);
  return { kind: 'deterministic', mean: value, value, sample: () => value };
}
