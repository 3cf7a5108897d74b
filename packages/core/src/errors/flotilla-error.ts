const brand = Symbol.for('flotilla.error');

/** The plain shape a {@link FlotillaError} takes across a thread or broker boundary. */
export interface SerializedError {
  readonly name: string;
  readonly code: string;
  readonly message: string;
}

/**
 * Base class of every error Flotilla throws or reports. `code` is stable API: match on it, not on
 * `message` or `instanceof` (errors that crossed a worker thread or the broker are rebuilt from
 * {@link SerializedError} and keep only `code`, `name` and `message`).
 *
 * @example
 * ```ts
 * try { fleet.submit(spec) } catch (err) {
 *   if (isFlotillaError(err) && err.code === 'FLOTILLA_INVALID_CONFIG') console.error(err.message);
 * }
 * ```
 */
export class FlotillaError extends Error {
  /** Stable, documented identifier of the failure, e.g. `FLOTILLA_INVALID_CONFIG`. */
  readonly code: string;
  readonly [brand] = true;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = 'FlotillaError';
  }

  /** The form sent across threads and the broker. */
  toJSON(): SerializedError {
    return { name: this.name, code: this.code, message: this.message };
  }

  /** Rebuilds an error received from another thread or process. */
  static fromJSON(serialized: SerializedError): FlotillaError {
    const error = new FlotillaError(serialized.code, serialized.message);
    error.name = serialized.name;
    return error;
  }
}

/**
 * True for any {@link FlotillaError}, including one from another copy of the package (the check uses a
 * registered symbol, not `instanceof`).
 */
export function isFlotillaError(value: unknown): value is FlotillaError {
  return typeof value === 'object' && value !== null && (value as { [brand]?: unknown })[brand] === true;
}
