export { createFleet, TASK_TIMEOUT, type Fleet, type FleetEvent } from './fleet.js';
export type { FleetOptions, AgentTypeOptions } from './options.js';
export type { TaskHandle, TaskEventMap } from './task-handle.js';
export { TaskNotCompletedError, isTaskNotCompletedError, TASK_NOT_COMPLETED } from './task-errors.js';
export { DeadLetterQueue, type DeadLetter } from '../delegation/dead-letter.js';
export type { FleetStats, TypeStats, AgentStats } from './stats.js';
export type { BreakerOptions } from '../delegation/breakers.js';
export { runPlan, type RunPlanOptions } from './run-plan.js';
export type { AutoscaleOptions, Autoscaling } from '../delegation/autoscaling.js';
