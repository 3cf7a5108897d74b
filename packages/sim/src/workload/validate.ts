import { ConfigError } from '@flotilla/core';

/**
 * The path of option `name` inside the options at `field`, as error messages name it: `ratePerSec` at the
 * top level, `workload[0].ratePerSec` below a config field. (Core keeps its own copy private.)
 *
 * @example
 * ```ts
 * fieldPath('', 'mix'); // "mix"
 * fieldPath('workload[0]', 'mix'); // "workload[0].mix"
 * ```
 */
export function fieldPath(field: string, name: string): string {
  return field === '' ? name : `${field}.${name}`;
}

/** Options must be an object; a missing or scalar one gets a clear error rather than a TypeError. */
export function checkOptions(field: string, value: unknown): void {
  if (typeof value !== 'object' || value === null) {
    throw new ConfigError(field === '' ? 'options' : field, 'be an object', value);
  }
}

/**
 * A weight table: an object whose values are finite numbers ≥ 0 with a positive total. Returns its keys in
 * the order given by `order` (or sorted by code unit, so that two spellings of the same table sample the
 * same way, whatever order a YAML or JSON file listed them in) and the matching weights.
 */
export function checkWeights(
  field: string,
  value: unknown,
  allowed?: readonly string[],
): { keys: string[]; weights: number[] } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(field, 'be an object of weights ≥ 0, e.g. { a: 3, b: 1 }', value);
  }
  const table = value as Record<string, unknown>;
  for (const key of Object.keys(table)) {
    if (allowed !== undefined && !allowed.includes(key)) {
      throw new ConfigError(`${field}.${key}`, `be a key in ${allowed.join(' | ')}`, key);
    }
  }
  // Code-unit order, not localeCompare: the result must not depend on the host's ICU data.
  const keys = allowed?.filter((key) => key in table) ?? Object.keys(table).sort(byCodeUnit);
  const weights = keys.map((key) => {
    const weight = table[key];
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0) {
      throw new ConfigError(`${field}.${key}`, 'be a finite number ≥ 0', weight);
    }
    return weight;
  });
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  if (!(total > 0 && Number.isFinite(total))) {
    throw new ConfigError(field, 'have at least one weight > 0 and a finite total', value);
  }
  return { keys, weights };
}

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
