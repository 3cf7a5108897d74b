import { ConfigError } from './config-error.js';

/**
 * Small validators shared by every constructor that takes options. Each returns the value unchanged
 * when valid and throws a {@link ConfigError} naming `field` otherwise.
 */

/** A finite number within `[min, max]` (bounds optional). */
export function checkNumber(
  field: string,
  value: unknown,
  bounds: { min?: number; max?: number } = {},
): number {
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new ConfigError(field, 'be a finite number', value);
  if (bounds.min !== undefined && value < bounds.min)
    throw new ConfigError(field, `be ≥ ${bounds.min}`, value);
  if (bounds.max !== undefined && value > bounds.max)
    throw new ConfigError(field, `be ≤ ${bounds.max}`, value);
  return value;
}

/** A finite number strictly greater than zero. */
export function checkPositive(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ConfigError(field, 'be a finite number > 0', value);
  }
  return value;
}

/** An integer within `[min, max]` (max optional). */
export function checkInteger(field: string, value: unknown, min: number, max?: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw new ConfigError(field, 'be an integer', value);
  if (value < min) throw new ConfigError(field, `be ≥ ${min}`, value);
  if (max !== undefined && value > max) throw new ConfigError(field, `be ≤ ${max}`, value);
  return value;
}

/** An integer ≥ `min`, or `Infinity` for "unbounded". */
export function checkLimit(field: string, value: unknown, min: number): number {
  if (value === Number.POSITIVE_INFINITY) return value;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new ConfigError(field, `be an integer ≥ ${min} or Infinity`, value);
  }
  return value;
}

/** A non-empty string. */
export function checkName(field: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0)
    throw new ConfigError(field, 'be a non-empty string', value);
  return value;
}

/** One of the listed literals. */
export function checkOneOf<const T extends string>(field: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(field, `be one of ${allowed.join(' | ')}`, value);
  }
  return value as T;
}
