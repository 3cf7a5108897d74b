/**
 * @flotilla/actors — the runtime: `createFleet`, the XState control-plane machines, and the transports
 * that carry tasks to agents in worker threads (or in-process).
 *
 * @packageDocumentation
 */
export * from './fleet/index.js';
export * from './delegation/index.js';
export * from './machines/index.js';
export * from './transport/index.js';
export { PROTOCOL_VERSION, type HostCommand, type HostEvent, type Batch } from './protocol/index.js';
export { AgentHost, HostErrorCode, type TaskContext, type TaskHandler } from './host/index.js';
export * from './supervisor/index.js';
export * from './autoscaler/index.js';
export * from './rabbitmq/index.js';
