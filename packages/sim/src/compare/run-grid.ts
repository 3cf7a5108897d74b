import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { FlotillaError, type StrategyName } from '@flotilla/core';
import type { SimReport } from '../kernel/report.js';
import type { Scenario } from '../scenario/scenario.js';
import { gridJobs, type GridJob } from './grid.js';
import type { GridResponse, GridWorkerData } from './protocol.js';

/** Code of the error that ends a grid when one of its cells fails or a worker thread dies. */
export const GRID_FAILED = 'FLOTILLA_GRID_FAILED';

/** Options of {@link runGrid}. */
export interface RunGridOptions {
  readonly scenario: Scenario;
  readonly strategies: readonly StrategyName[];
  readonly seeds: readonly number[];
  /** Worker threads; default and ceiling: the number of cores (and never more than there are cells). */
  readonly threads?: number;
  /** Called after each finished cell, in completion order. */
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * The compiled worker entry. Tests run this package from its TypeScript sources, where no `.js` sibling
 * exists and a worker thread cannot load `.ts`; from sources we point at the build output instead (the
 * test command builds first).
 */
function workerEntry(): URL {
  const here = new URL(import.meta.url);
  return here.pathname.endsWith('.ts')
    ? new URL('../../dist/compare/worker-entry.js', here)
    : new URL('./worker-entry.js', here);
}

/**
 * Threads to start: what was asked for (default: one per core), at most the cores, at most the cells, at
 * least one. More threads than cores would only share the cores and add memory.
 *
 * @example
 * ```ts
 * gridThreads(undefined, 30); // the number of cores
 * gridThreads(8, 3); // 3 on a machine of 4 or more cores
 * ```
 */
export function gridThreads(requested: number | undefined, cells: number): number {
  const cores = availableParallelism();
  return Math.max(1, Math.min(requested ?? cores, cores, cells));
}

/**
 * Runs every (strategy, seed) cell of the grid, spread over worker threads, each thread taking the next
 * cell as it finishes one. Each cell is an independent deterministic simulation, so the reports are the
 * same whatever the number of threads or the order cells finish in (all but `wallMs`).
 *
 * @returns `reports[s][k]`: strategy `strategies[s]` on seed `seeds[k]`.
 * @throws FlotillaError `FLOTILLA_GRID_FAILED` naming the cell's strategy and seed when a cell fails
 *   (the remaining cells are abandoned), or the thread when a worker dies.
 *
 * @example
 * ```ts
 * const reports = await runGrid({ scenario: loadScenario('mmc.yaml'), strategies: ['random', 'power-of-two'],
 *   seeds: [42, 43, 44], onProgress: (done, total) => console.log(`${done}/${total}`) });
 * ```
 */
export async function runGrid(options: RunGridOptions): Promise<SimReport[][]> {
  const jobs = gridJobs(options.strategies, options.seeds);
  const results: Array<SimReport | undefined> = new Array<SimReport | undefined>(jobs.length);
  const threads = gridThreads(options.threads, jobs.length);
  const workerData: GridWorkerData = { scenario: options.scenario };
  const workers: Worker[] = [];
  let next = 0;
  let done = 0;

  try {
    await new Promise<void>((resolve, reject) => {
      let failed = false;
      const fail = (message: string): void => {
        if (failed) return;
        failed = true;
        reject(new FlotillaError(GRID_FAILED, message));
      };
      const feed = (worker: Worker): void => {
        const job = jobs[next];
        if (job === undefined) return;
        next++;
        worker.postMessage(job);
      };
      for (let t = 0; t < threads; t++) {
        const worker = new Worker(workerEntry(), { workerData });
        workers.push(worker);
        worker.on('message', (response: GridResponse) => {
          const job = jobs[response.index] as GridJob;
          if ('error' in response) {
            fail(`${job.strategy} with seed ${job.seed} failed: ${response.error.message}`);
            return;
          }
          results[response.index] = response.report;
          done++;
          options.onProgress?.(done, jobs.length);
          if (done === jobs.length) resolve();
          else feed(worker);
        });
        worker.on('error', (error) => fail(`grid worker thread ${t} failed: ${error.message}`));
        worker.on('exit', (code) => {
          if (done < jobs.length) fail(`grid worker thread ${t} exited with code ${code}`);
        });
        feed(worker);
      }
    });
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
  return options.strategies.map((_, s) =>
    options.seeds.map((_, k) => results[s * options.seeds.length + k] as SimReport),
  );
}
