import { ConfigError } from '../errors/config-error.js';
import { checkInteger, checkNumber } from '../errors/validate.js';

/**
 * Largest number of agents of a pool of `totalCount` that may be ejected at once under
 * `maxEjectionPercent` (Envoy's `max_ejection_percent`): `floor(totalCount · maxEjectionPercent / 100)`.
 *
 * Rounding is down, and the cap may be 0: a pool of 3 at 10 % ejects nobody. Envoy can be told to eject at
 * least one host regardless (`always_eject_one_host`); we deliberately do not, because in a small fleet
 * ejecting "just one" agent can be a third of the capacity, and the percent is the user's stated limit.
 *
 * @example
 * ```ts
 * maxEjectedCount(10, 30); // 3
 * maxEjectedCount(3, 10); // 0
 * ```
 */
export function maxEjectedCount(totalCount: number, maxEjectionPercent: number): number {
  checkInteger('totalCount', totalCount, 0);
  checkNumber('maxEjectionPercent', maxEjectionPercent, { min: 0, max: 100 });
  return Math.floor((totalCount * maxEjectionPercent) / 100);
}

/**
 * Whether one more agent may be ejected from a pool of `totalCount` of which `ejectedCount` are already
 * ejected: true exactly when `ejectedCount + 1 ≤ maxEjectedCount(totalCount, maxEjectionPercent)`, so the
 * ejected share never exceeds the cap. Pure; the outlier detector keeps the counts.
 *
 * @example
 * ```ts
 * canEject(0, 10, 30); // true
 * canEject(3, 10, 30); // false: a fourth would be 40 %
 * canEject(0, 3, 10); // false: the cap rounds down to 0
 * ```
 */
export function canEject(ejectedCount: number, totalCount: number, maxEjectionPercent: number): boolean {
  const cap = maxEjectedCount(totalCount, maxEjectionPercent);
  checkInteger('ejectedCount', ejectedCount, 0);
  if (ejectedCount > totalCount) {
    throw new ConfigError('ejectedCount', `be ≤ totalCount (${totalCount})`, ejectedCount);
  }
  return ejectedCount + 1 <= cap;
}
