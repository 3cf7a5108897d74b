import { FlotillaError, isFlotillaError, type TaskOutcome } from '@flotilla/core';

/** Code of the error a task's `result` rejects with when the task did not complete. */
export const TASK_NOT_COMPLETED = 'FLOTILLA_TASK_NOT_COMPLETED';

/**
 * Why a task's `result` promise rejected: the task ended in an outcome other than `completed`. The
 * outcome (failed, dead-lettered, expired, rejected, cancelled) and its details are in `outcome`.
 *
 * @example
 * ```ts
 * try { await handle.result } catch (err) {
 *   if (isTaskNotCompletedError(err) && err.outcome.kind === 'rejected') console.log(err.outcome.reason);
 * }
 * ```
 */
export class TaskNotCompletedError extends FlotillaError {
  readonly taskId: string;
  readonly outcome: Exclude<TaskOutcome, { kind: 'completed' }>;

  constructor(taskId: string, outcome: Exclude<TaskOutcome, { kind: 'completed' }>) {
    super(TASK_NOT_COMPLETED, `task ${taskId} ${describeOutcome(outcome)}`);
    this.name = 'TaskNotCompletedError';
    this.taskId = taskId;
    this.outcome = outcome;
  }
}

/** True for a {@link TaskNotCompletedError}. */
export function isTaskNotCompletedError(value: unknown): value is TaskNotCompletedError {
  return isFlotillaError(value) && value.code === TASK_NOT_COMPLETED;
}

function describeOutcome(outcome: Exclude<TaskOutcome, { kind: 'completed' }>): string {
  switch (outcome.kind) {
    case 'failed':
      return `failed after ${outcome.attempts} attempt(s): ${outcome.error.message} (${outcome.error.code})`;
    case 'dead-lettered':
      return `was dead-lettered after ${outcome.attempts} attempt(s): ${outcome.error.message} (${outcome.error.code})`;
    case 'expired':
      return outcome.phase === 'waiting'
        ? 'expired while waiting (ttlMs)'
        : 'timed out while running (timeoutMs)';
    case 'rejected':
      return `was rejected (${outcome.reason}): ${outcome.message}`;
    case 'cancelled':
      return 'was cancelled';
  }
}
