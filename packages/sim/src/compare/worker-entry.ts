import { parentPort, workerData } from 'node:worker_threads';
import { isFlotillaError } from '@flotilla/core';
import { runCell } from './run-cell.js';
import type { GridRequest, GridResponse, GridWorkerData } from './protocol.js';

/**
 * A grid worker: runs the cells it is sent, one at a time, and answers each with its report. Each cell is
 * a complete, independent simulation, so the answer does not depend on which thread ran it.
 */
const { scenario } = workerData as GridWorkerData;
const port = parentPort;
if (port === null) throw new Error('the grid worker must run in a worker thread');

port.on('message', (job: GridRequest) => {
  let response: GridResponse;
  try {
    response = { index: job.index, report: runCell(scenario, job) };
  } catch (error) {
    const code = isFlotillaError(error) ? error.code : 'FLOTILLA_GRID_CELL_FAILED';
    const message = error instanceof Error ? error.message : String(error);
    response = { index: job.index, error: { code, message } };
  }
  port.postMessage(response);
});
