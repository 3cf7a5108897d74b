/**
 * @flotilla/core — the deterministic data plane: everything on the per-task path, with no I/O, no host
 * time and no unseeded randomness.
 *
 * @packageDocumentation
 */
export * from './errors/index.js';
export * from './time/index.js';
export * from './random/index.js';
export * from './collections/index.js';
export * from './task/index.js';
export * from './queue/index.js';
export * from './balancing/index.js';
export * from './metrics/index.js';
export * from './rate-limit/index.js';
export * from './resilience/index.js';
export * from './admission/index.js';
