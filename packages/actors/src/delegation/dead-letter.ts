import type { SerializedError, Task } from '@flotilla/core';

/** A task that exhausted its attempts (or failed with a non-retryable code). */
export interface DeadLetter {
  readonly task: Task;
  readonly error: SerializedError;
  readonly attempts: number;
  readonly deadLetteredAtMs: number;
}

/**
 * Failed tasks kept for inspection and redrive, bounded: past `maxEntries` the oldest entry is dropped
 * (its outcome, `dead-lettered`, was already delivered). A redriven task is a new submission with a new id.
 *
 * @example
 * ```ts
 * for (const letter of fleet.deadLetters.list()) console.log(letter.task.id, letter.error.code);
 * const retried = fleet.deadLetters.redrive('task-42');
 * await retried?.result;
 * ```
 */
export class DeadLetterQueue<Redriven = unknown> {
  private readonly entries = new Map<string, DeadLetter>();

  constructor(
    readonly maxEntries: number,
    private readonly resubmit: (entry: DeadLetter) => Redriven,
  ) {}

  /** False when the fleet was created with `deadLetter: false`. */
  get enabled(): boolean {
    return this.maxEntries > 0;
  }

  get size(): number {
    return this.entries.size;
  }

  /** @internal */
  add(entry: DeadLetter): void {
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(entry.task.id, entry);
  }

  /** Oldest first. */
  list(): DeadLetter[] {
    return [...this.entries.values()];
  }

  inspect(taskId: string): DeadLetter | undefined {
    return this.entries.get(taskId);
  }

  /** Submits the task again (fresh attempts, new id) and removes it from the queue. */
  redrive(taskId: string): Redriven | undefined {
    const entry = this.entries.get(taskId);
    if (entry === undefined) return undefined;
    this.entries.delete(taskId);
    return this.resubmit(entry);
  }

  /** Drops an entry without redriving it. */
  discard(taskId: string): boolean {
    return this.entries.delete(taskId);
  }
}
