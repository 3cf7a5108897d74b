import { ConfigError } from '../errors/config-error.js';
import { checkOneOf, checkPositive } from '../errors/validate.js';
import type { Distribution } from './distributions/distribution.js';
import { fieldPath } from './distributions/distribution.js';
import { deterministic, type DeterministicOptions } from './distributions/deterministic.js';
import { empirical } from './distributions/empirical.js';
import { exponential, type ExponentialOptions } from './distributions/exponential.js';
import { erlang, gamma, type ErlangOptions, type GammaOptions } from './distributions/gamma.js';
import {
  hyperexponential,
  hyperexponentialFromCv,
  type HyperexponentialFromCvOptions,
  type HyperexponentialOptions,
} from './distributions/hyperexponential.js';
import { lognormal, type LognormalOptions } from './distributions/lognormal.js';
import { normal, type NormalOptions } from './distributions/normal.js';
import {
  boundedPareto,
  pareto,
  type BoundedParetoOptions,
  type ParetoOptions,
} from './distributions/pareto.js';
import { uniform, type UniformOptions } from './distributions/uniform.js';

/**
 * Every `dist` a {@link DistributionSpec} may name.
 *
 * @example
 * ```ts
 * const known = (DISTRIBUTION_KINDS as readonly string[]).includes(input.dist);
 * ```
 */
export const DISTRIBUTION_KINDS = [
  'exponential',
  'deterministic',
  'uniform',
  'normal',
  'lognormal',
  'gamma',
  'erlang',
  'pareto',
  'bounded-pareto',
  'hyperexponential',
  'empirical',
] as const;

/** One of {@link DISTRIBUTION_KINDS}. */
export type DistributionKind = (typeof DISTRIBUTION_KINDS)[number];

/**
 * A distribution as plain data, the form scenario and config files (JSON, YAML) carry: `dist` names the
 * family, the other keys are the parameters of its factory. {@link createDistribution} turns it into a
 * {@link Distribution}.
 *
 * @example
 * ```yaml
 * service: { dist: lognormal, mean: 800, cv: 1.5 }
 * arrivals: { dist: exponential, mean: 50 }
 * mix: { dist: hyperexponential, branches: [{ probability: 0.9, mean: 20 }, { probability: 0.1, mean: 500 }] }
 * ```
 */
export type DistributionSpec =
  | ({ readonly dist: 'exponential' } & ExponentialOptions)
  | ({ readonly dist: 'deterministic' } & DeterministicOptions)
  | ({ readonly dist: 'uniform' } & UniformOptions)
  | ({ readonly dist: 'normal' } & NormalOptions)
  | ({ readonly dist: 'lognormal' } & LognormalOptions)
  | ({ readonly dist: 'gamma' } & GammaOptions)
  | ({ readonly dist: 'erlang' } & ErlangOptions)
  | ({ readonly dist: 'pareto' } & ParetoOptions)
  | ({ readonly dist: 'bounded-pareto' } & BoundedParetoOptions)
  | ({ readonly dist: 'hyperexponential' } & HyperexponentialFromCvOptions)
  | ({ readonly dist: 'hyperexponential' } & HyperexponentialOptions)
  | { readonly dist: 'empirical'; readonly samples: readonly number[] };

/** The keys each kind accepts besides `dist`; anything else is a typo worth an error, not a silent default. */
const PARAMETERS: { readonly [K in DistributionKind]: readonly string[] } = {
  exponential: ['mean'],
  deterministic: ['value'],
  uniform: ['min', 'max'],
  normal: ['mean', 'stddev'],
  lognormal: ['mean', 'cv'],
  gamma: ['shape', 'scale'],
  erlang: ['k', 'mean'],
  pareto: ['alpha', 'scale'],
  'bounded-pareto': ['alpha', 'min', 'max'],
  hyperexponential: ['mean', 'cv', 'branches'],
  empirical: ['samples'],
};

const BRANCH_PARAMETERS: readonly string[] = ['probability', 'mean'];

/**
 * Builds the {@link Distribution} a spec describes, validating it first. Errors name the offending field
 * below `field` (`service.mean must be a finite number > 0, got -1`) and list the accepted kinds when
 * `dist` is unknown. Keys a kind does not take are rejected rather than ignored.
 *
 * @param spec - the spec, usually straight out of a parsed config file.
 * @param field - the spec's own path in that config, e.g. `agents[0].service`.
 * @throws {@link ConfigError} for anything that is not a valid spec.
 *
 * @example
 * ```ts
 * const service = createDistribution({ dist: 'gamma', shape: 2, scale: 50 }, 'service');
 * service.mean; // 100
 * createDistribution({ dist: 'exponential', mean: -1 }, 'service'); // throws "service.mean must be …, got -1"
 * ```
 */
export function createDistribution(spec: DistributionSpec, field = ''): Distribution {
  const input: unknown = spec;
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ConfigError(field, "be a distribution spec such as { dist: 'exponential', mean: 1 }", input);
  }
  const kind = checkOneOf(fieldPath(field, 'dist'), spec.dist, DISTRIBUTION_KINDS);
  checkKeys(input, PARAMETERS[kind], field, `dist "${kind}"`);
  switch (spec.dist) {
    case 'exponential':
      return exponential(spec, field);
    case 'deterministic':
      return deterministic(spec, field);
    case 'uniform':
      return uniform(spec, field);
    case 'normal':
      return normal(spec, field);
    case 'lognormal':
      return lognormal(spec, field);
    case 'gamma':
      return gamma(spec, field);
    case 'erlang':
      return erlang(spec, field);
    case 'pareto':
      return pareto(spec, field);
    case 'bounded-pareto':
      return boundedPareto(spec, field);
    case 'hyperexponential':
      return createHyperexponential(spec, field);
    case 'empirical':
      return empirical(spec, field);
  }
}

function createHyperexponential(
  spec: HyperexponentialOptions | HyperexponentialFromCvOptions,
  field: string,
): Distribution {
  if (!('branches' in spec)) return hyperexponentialFromCv(spec, field);
  const branchesField = fieldPath(field, 'branches');
  if ('mean' in spec || 'cv' in spec) {
    throw new ConfigError(
      branchesField,
      'be given without mean and cv (a spec takes one form or the other)',
      spec.branches,
    );
  }
  const branches: unknown = spec.branches;
  if (Array.isArray(branches)) {
    branches.forEach((branch: unknown, i) => {
      if (typeof branch === 'object' && branch !== null) {
        checkKeys(branch, BRANCH_PARAMETERS, `${branchesField}[${i}]`, 'a hyperexponential branch');
      }
    });
  }
  return hyperexponential(spec, field);
}

function checkKeys(spec: object, allowed: readonly string[], field: string, owner: string): void {
  for (const [key, value] of Object.entries(spec)) {
    if (key === 'dist' || allowed.includes(key)) continue;
    throw new ConfigError(
      fieldPath(field, key),
      `not be set for ${owner} (it takes ${allowed.join(', ')})`,
      value,
    );
  }
}

/** The distribution {@link scaled} returns. */
export interface ScaledDistribution extends Distribution {
  readonly kind: 'scaled';
  /** The distribution whose samples are scaled. */
  readonly base: Distribution;
  /** The multiplier, > 0. */
  readonly factor: number;
}

/**
 * `base` with every sample, and the mean, multiplied by `factor`: one service-time distribution shared by
 * agents of different speeds. An agent twice as fast takes `factor: 0.5`. Draws exactly what `base` draws.
 *
 * @param field - the factor's path in a config, for errors (`agents[2].speedFactor`).
 * @throws {@link ConfigError} unless `factor` is a finite number > 0.
 *
 * @example
 * ```ts
 * const service = createDistribution({ dist: 'lognormal', mean: 800, cv: 1 });
 * const fastAgentService = scaled(service, 0.5);
 * fastAgentService.mean; // 400
 * ```
 */
export function scaled(base: Distribution, factor: number, field = 'factor'): ScaledDistribution {
  checkPositive(field, factor);
  return {
    kind: 'scaled',
    mean: base.mean * factor,
    base,
    factor,
    sample: (rng) => base.sample(rng) * factor,
  };
}
