/** @internal The delegation logic shared by the runtime (`createFleet`) and the simulator. */
export { Delegation, TASK_TIMEOUT, type DelegationInput } from './delegation.js';
export { AgentRoster } from './agent-roster.js';
export { AgentPool, type PooledTask, type PoolAgent, type TaskPlace } from './agent-pool.js';
export type {
  AttemptExecutor,
  DelegatedAgent,
  DelegatedAgentBase,
  DelegatedTask,
  DelegationHooks,
} from './delegated.js';
export type { DelegationOptions, PoolSpec } from './delegation-options.js';
