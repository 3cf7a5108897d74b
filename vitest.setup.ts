import fc from 'fast-check';

/**
 * Property tests replay from the environment: a failure prints `seed` and `path`; re-run with
 * `FC_SEED=<seed> FC_PATH=<path> npx pnpm@10.34.8 vitest run <file>` to reproduce exactly that counterexample.
 */
const seed = process.env['FC_SEED'];
const path = process.env['FC_PATH'];
fc.configureGlobal({
  ...(seed === undefined ? {} : { seed: Number(seed) }),
  ...(path === undefined ? {} : { path }),
  ...(process.env['FC_NUM_RUNS'] === undefined ? {} : { numRuns: Number(process.env['FC_NUM_RUNS']) }),
});
