import type { SimReport } from '../kernel/report.js';
import type { Scenario } from '../scenario/scenario.js';
import type { GridJob } from './grid.js';

/** What a grid worker is started with (`workerData`): the resolved scenario, cloned once per thread. */
export interface GridWorkerData {
  readonly scenario: Scenario;
}

/** Host → worker: run one cell of the grid. */
export type GridRequest = GridJob;

/** Worker → host: the cell's report, or why it failed (as `{ code, message }`, which survives cloning). */
export type GridResponse =
  | { readonly index: number; readonly report: SimReport }
  | { readonly index: number; readonly error: { readonly code: string; readonly message: string } };
