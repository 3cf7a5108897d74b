/**
 * @flotilla/sim — the deterministic simulator: the runtime's own delegation logic on a virtual clock,
 * synthetic and recorded workloads, and the report.
 *
 * @packageDocumentation
 */
export * from './kernel/index.js';
export * from './workload/index.js';
export * from './scenario/index.js';
export { toSimConfig, UNSUPPORTED_SCENARIO } from './run/to-sim-config.js';
export * from './compare/index.js';
