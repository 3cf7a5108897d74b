export type { Distribution } from './distributions/distribution.js';
export {
  exponential,
  type ExponentialOptions,
  type ExponentialDistribution,
} from './distributions/exponential.js';
export {
  deterministic,
  type DeterministicOptions,
  type DeterministicDistribution,
} from './distributions/deterministic.js';
export { uniform, type UniformOptions, type UniformDistribution } from './distributions/uniform.js';
export { normal, type NormalOptions, type NormalDistribution } from './distributions/normal.js';
export { lognormal, type LognormalOptions, type LognormalDistribution } from './distributions/lognormal.js';
export {
  gamma,
  erlang,
  type GammaOptions,
  type GammaDistribution,
  type ErlangOptions,
  type ErlangDistribution,
} from './distributions/gamma.js';
export {
  pareto,
  boundedPareto,
  type ParetoOptions,
  type ParetoDistribution,
  type BoundedParetoOptions,
  type BoundedParetoDistribution,
} from './distributions/pareto.js';
export {
  hyperexponential,
  hyperexponentialFromCv,
  type HyperexponentialBranch,
  type HyperexponentialOptions,
  type HyperexponentialFromCvOptions,
  type HyperexponentialDistribution,
} from './distributions/hyperexponential.js';
export { empirical, type EmpiricalOptions, type EmpiricalDistribution } from './distributions/empirical.js';
