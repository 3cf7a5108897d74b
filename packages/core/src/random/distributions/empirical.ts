import { ConfigError } from '../../errors/config-error.js';
import type { Distribution } from './distribution.js';
import { fieldPath } from './distribution.js';

/** Parameters of {@link empirical}. */
export interface EmpiricalOptions {
  /** Observed values, at least one, all finite: an array or a typed array. */
  readonly samples: ArrayLike<number>;
}

/** The distribution {@link empirical} returns. */
export interface EmpiricalDistribution extends Distribution {
  readonly kind: 'empirical';
  /** A copy of the observed values, owned by the distribution: read it, do not write it. */
  readonly samples: Readonly<Float64Array>;
}

/**
 * Resamples observed values: each sample is one of `samples`, chosen uniformly (a value listed twice is
 * twice as likely). The input is copied, so changing it afterwards changes nothing. The mean is the mean of
 * the values.
 *
 * @param field - where the options sit in a config, prefixed to parameter names in errors (`service.samples[3]`).
 * @throws {@link ConfigError} unless `samples` is a non-empty array of finite numbers.
 *
 * @example
 * ```ts
 * const service = empirical({ samples: [120, 95, 310, 88, 1500] }); // measured durations, ms
 * const serviceMs = service.sample(rng); // one of the five
 * ```
 */
export function empirical(options: EmpiricalOptions, field = ''): EmpiricalDistribution {
  const samplesField = fieldPath(field, 'samples');
  const input: unknown = options.samples;
  const count: unknown = (input as { length?: unknown } | null | undefined)?.length;
  if (!(Array.isArray(input) || ArrayBuffer.isView(input)) || typeof count !== 'number' || count === 0) {
    throw new ConfigError(samplesField, 'be a non-empty array of finite numbers', input);
  }
  const source = input as ArrayLike<unknown>;
  const values = new Float64Array(count);
  let mean = 0;
  for (let i = 0; i < count; i++) {
    const value = source[i];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new ConfigError(`${samplesField}[${i}]`, 'be a finite number', value);
    }
    values[i] = value;
    mean += value / count; // dividing each term keeps the sum finite for values near Number.MAX_VALUE
  }
  return {
    kind: 'empirical',
    mean,
    samples: values,
    sample: (rng) => values[rng.nextInt(count)] as number,
  };
}
