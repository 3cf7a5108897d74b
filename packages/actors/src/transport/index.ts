export type { Transport, TransportHandlers } from './transport.js';
export { inMemoryTransport, type InMemoryTransportOptions } from './in-memory.js';
export {
  workerThreadsTransport,
  WORKER_EXITED,
  type WorkerThreadsTransportOptions,
} from './worker-threads.js';
export { BatchingSender } from './batching-sender.js';
