import { FlotillaError, isFlotillaError } from './flotilla-error.js';

/** Code of every {@link ConfigError}. */
export const INVALID_CONFIG = 'FLOTILLA_INVALID_CONFIG';

/**
 * Invalid configuration or input. The message names the field, the constraint and the value received,
 * e.g. `capacity must be ≥ 1, got 0`; nothing was changed when it is thrown.
 *
 * @example
 * ```ts
 * throw new ConfigError('capacity', 'be ≥ 1', 0); // "capacity must be ≥ 1, got 0"
 * ```
 */
export class ConfigError extends FlotillaError {
  /** Path of the offending field, e.g. `agents[0].capacity`. */
  readonly field: string;
  /** The value received. */
  readonly value: unknown;

  constructor(field: string, constraint: string, value: unknown) {
    super(INVALID_CONFIG, `${field} must ${constraint}, got ${describeValue(value)}`);
    this.name = 'ConfigError';
    this.field = field;
    this.value = value;
  }
}

/** True for a {@link ConfigError}, also across package copies. */
export function isConfigError(value: unknown): value is ConfigError {
  return isFlotillaError(value) && value.code === INVALID_CONFIG;
}

/** Renders a received value for an error message: strings quoted, objects as short JSON. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  if (value === undefined || value === null) return String(value);
  if (typeof value === 'function') return 'a function';
  try {
    const json = JSON.stringify(value);
    return json.length > 80 ? `${json.slice(0, 77)}...` : json;
  } catch {
    return Object.prototype.toString.call(value);
  }
}
