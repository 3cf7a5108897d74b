export { AgentHost, HostErrorCode, serializeError } from './agent-host.js';
export type { TaskContext, TaskHandler } from './handler.js';
