export type { Arrival, Workload, WorkloadContext } from './workload.js';
export {
  compileMix,
  type WorkloadMix,
  type CompiledMix,
  type MixSampler,
  type MutableArrival,
} from './mix.js';
export { poissonWorkload, type PoissonWorkloadOptions, type PoissonWorkload } from './poisson.js';
export { burstyWorkload, type BurstyWorkloadOptions, type BurstyWorkload } from './bursty.js';
export { diurnalWorkload, type DiurnalWorkloadOptions, type DiurnalWorkload } from './diurnal.js';
export {
  closedLoopWorkload,
  type ClosedLoopWorkloadOptions,
  type ClosedLoopWorkload,
} from './closed-loop.js';
export type { TraceWorkload, TraceWorkloadOptions } from './trace-replay.js';
export {
  azureTraceWorkload,
  type AzureTraceWorkloadOptions,
  type AzureTraceWorkload,
} from './azure-trace.js';
export {
  mooncakeTraceWorkload,
  type MooncakeTraceWorkloadOptions,
  type MooncakeTraceWorkload,
} from './mooncake-trace.js';
export {
  tokenServiceTime,
  type ServiceTimeModel,
  type TokenServiceTimeOptions,
  type TokenServiceTime,
} from './service-time.js';
