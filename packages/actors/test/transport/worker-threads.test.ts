import { workerThreadsTransport } from '../../src/transport/worker-threads.js';
import { transportConformance } from './conformance.js';

// Real worker threads running the compiled worker entry (the test command builds first).
transportConformance('worker_threads', () => workerThreadsTransport({ threads: 2 }), { hostsCanDie: true });
