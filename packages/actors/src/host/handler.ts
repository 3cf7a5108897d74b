/** What a handler receives besides its payload. */
export interface TaskContext {
  readonly taskId: string;
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** Fires when the task times out, is cancelled, or the fleet shuts down without draining. */
  readonly signal: AbortSignal;
  /** Reports progress in [0, 1], with an optional message; delivered to the task's handle. */
  progress(fraction: number, message?: string): void;
}

/**
 * An agent's code: the default export of an agent module, or an in-process `handler`. Its result must be
 * structured-cloneable when the agent runs in a worker thread.
 *
 * @example
 * ```ts
 * // agents/summarize.js
 * export default async function summarize(payload, ctx) {
 *   ctx.progress(0.5, 'halfway');
 *   return { summary: payload.text.slice(0, 100) };
 * }
 * ```
 */
export type TaskHandler<P = unknown, R = unknown> = (payload: P, context: TaskContext) => R | Promise<R>;
