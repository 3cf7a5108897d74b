/**
 * Lifecycle states of a task. A task is `pending` while it waits (in the central queue, an agent's local
 * queue, or a retry backoff), `active` while a handler runs it, and ends `completed` or `failed` (every
 * unsuccessful end: failure, expiry, cancellation, rejection); its `TaskOutcome` says how in detail.
 */
export const TASK_STATES = ['pending', 'active', 'completed', 'failed'] as const;
/** One of {@link TASK_STATES}. */
export type TaskState = (typeof TASK_STATES)[number];

/** Events that move a task through its lifecycle. */
export type TaskEvent = 'start' | 'succeed' | 'fail' | 'retry' | 'expire' | 'cancel' | 'reject';

/**
 * The lifecycle as a pure transition function: the next state, or `undefined` when the event is not
 * allowed in `state` (a terminal state accepts nothing: that is what makes outcomes exactly-once).
 *
 * @example
 * ```ts
 * taskTransition('pending', 'start'); // 'active'
 * taskTransition('active', 'retry'); // 'pending'
 * taskTransition('completed', 'fail'); // undefined
 * ```
 */
export function taskTransition(state: TaskState, event: TaskEvent): TaskState | undefined {
  switch (state) {
    case 'pending':
      if (event === 'start') return 'active';
      if (event === 'expire' || event === 'cancel' || event === 'reject' || event === 'fail') return 'failed';
      return undefined;
    case 'active':
      if (event === 'succeed') return 'completed';
      if (event === 'retry') return 'pending';
      if (event === 'fail' || event === 'expire' || event === 'cancel') return 'failed';
      return undefined;
    case 'completed':
    case 'failed':
      return undefined;
  }
}

/** True for `completed` and `failed`. */
export function isTerminalState(state: TaskState): boolean {
  return state === 'completed' || state === 'failed';
}
