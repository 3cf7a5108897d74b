export {
  PRIORITIES,
  PRIORITY_COUNT,
  priorityLevel,
  priorityAt,
  checkPriority,
  type Priority,
  type PriorityLevel,
} from './priority.js';
export {
  REJECT_REASONS,
  OUTCOME_KINDS,
  type RejectReason,
  type ExpiryPhase,
  type TaskOutcome,
  type OutcomeKind,
} from './outcome.js';
export { TASK_STATES, taskTransition, isTerminalState, type TaskState, type TaskEvent } from './lifecycle.js';
export {
  createTask,
  expiresAt,
  DEFAULT_TENANT,
  MAX_ATTEMPTS_LIMIT,
  type TaskSpec,
  type Task,
} from './task.js';
