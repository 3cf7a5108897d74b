// The limit: a worker that echoes each batch straight back over its MessagePort, doing nothing else.
import { parentPort } from 'node:worker_threads';
parentPort.on('message', (batch) => parentPort.postMessage(batch));
