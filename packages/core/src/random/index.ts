export { createRng, restoreRng, MAX_SEED, type Rng, type RngState } from './rng.js';
export { defaultSeed } from './default-seed.js';
export * from './distributions.js';
export * from './distribution-spec.js';
