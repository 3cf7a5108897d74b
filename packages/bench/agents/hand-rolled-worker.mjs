// The faithful limit's worker: imports the task module and calls it once per item of each batch, then
// posts the results back as one batch. What any runtime must do at least, with nothing else.
import { parentPort, workerData } from 'node:worker_threads';

const { default: handler } = await import(workerData.module);
parentPort.on('message', ({ ids, payloads }) => {
  const values = new Array(payloads.length);
  for (let i = 0; i < payloads.length; i++) values[i] = handler(payloads[i]);
  parentPort.postMessage({ ids, values });
});
parentPort.postMessage('ready');
