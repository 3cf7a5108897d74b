import { ConsumerStatus } from 'rabbitmq-client';

/**
 * One task message as an agent process received it: acknowledged once every task it carries has an
 * answer the broker confirmed, handed back (requeued) if any answer could not be published.
 */
export class DeliveredMessage {
  private unanswered: number;
  private failed = false;
  private finished = false;
  /** Tasks of this message started so far; a message none of whose tasks started can be handed back. */
  started = 0;

  constructor(
    taskCount: number,
    private readonly finish: (status: ConsumerStatus) => void,
  ) {
    this.unanswered = taskCount;
  }

  /** One task's answer was confirmed (`true`) or could not be published (`false`). */
  answered(confirmed: boolean): void {
    if (!confirmed) this.failed = true;
    if (--this.unanswered === 0) this.end(this.failed ? ConsumerStatus.REQUEUE : ConsumerStatus.ACK);
  }

  /**
   * Back to the queue for whoever consumes it next: for a message none of whose tasks started, or one
   * delivered on a channel that has closed since (the broker redelivers it anyway, and the answer is moot).
   */
  handBack(): void {
    this.end(ConsumerStatus.REQUEUE);
  }

  private end(status: ConsumerStatus): void {
    if (this.finished) return;
    this.finished = true;
    this.finish(status);
  }
}

/** What the gate holds: a task and the message it came in. */
export interface GatedTask {
  readonly message: DeliveredMessage;
}

/**
 * Runs at most `capacity` tasks of one agent type at once, the highest priority first and in arrival order
 * within a priority; the rest wait here. The broker's prefetch bounds messages, and a message may carry
 * several tasks, so the process itself bounds the tasks (and so must also order them by priority, which
 * the broker did when each message held one). Closing (pause, drain) hands back every waiting message
 * none of whose tasks has started, and any message that arrives while closed; a message partly started
 * runs to its end, since handing it back would run its started tasks twice.
 */
export class TaskGate<T extends GatedTask> {
  private running = 0;
  /** Waiting tasks by priority (index = priority), each a FIFO read from `heads[priority]`. */
  private readonly waiting: T[][];
  private readonly heads: number[];
  private waitingTotal = 0;
  private closing = false;

  constructor(
    private capacity: number,
    /** Starts `task`; the process calls {@link done} when it ends. */
    private readonly start: (task: T) => void,
    /** Priorities are 0 (lowest) to this. */
    maxPriority = 0,
  ) {
    this.waiting = Array.from({ length: maxPriority + 1 }, () => []);
    this.heads = this.waiting.map(() => 0);
  }

  /** Tasks running now. */
  get runningCount(): number {
    return this.running;
  }

  /** Tasks waiting for a slot. */
  get waitingCount(): number {
    return this.waitingTotal;
  }

  /**
   * The tasks of one message, all at once (so a closed gate can hand the whole message back), at the
   * message's `priority` (clamped to the gate's range).
   */
  offer(tasks: readonly T[], priority = 0): void {
    const message = tasks[0]?.message;
    if (message === undefined) return;
    if (this.closing) return message.handBack();
    const level = Math.max(0, Math.min(this.waiting.length - 1, priority | 0));
    for (const task of tasks) {
      if (this.running < this.capacity && this.waitingTotal === 0) this.begin(task);
      else this.enqueue(level, task);
    }
    this.startWhileFree();
  }

  /** A task started by this gate ended: its slot goes to the next one waiting. */
  done(): void {
    this.running--;
    this.startWhileFree();
  }

  /**
   * Takes out the waiting tasks `remove` picks (a cancel, a message delivered on a channel that has since
   * closed) and returns them; they will not start.
   */
  withdraw(remove: (task: T) => boolean): T[] {
    const removed: T[] = [];
    if (this.waitingTotal === 0) return removed; // every cancel broadcast asks; most find nothing here
    for (let level = 0; level < this.waiting.length; level++) {
      const queue = this.waiting[level] as T[];
      const kept: T[] = [];
      for (let i = this.heads[level] as number; i < queue.length; i++) {
        const task = queue[i] as T;
        if (remove(task)) removed.push(task);
        else kept.push(task);
      }
      this.waiting[level] = kept;
      this.heads[level] = 0;
    }
    this.waitingTotal -= removed.length;
    return removed;
  }

  /** Stops taking tasks: hands back what has not started (see the class comment). */
  close(): void {
    this.closing = true;
    const untouched = this.withdraw((task) => task.message.started === 0);
    for (const task of untouched) task.message.handBack();
  }

  /** Takes tasks again (resume after a pause). */
  reopen(): void {
    this.closing = false;
  }

  /**
   * Runs up to `capacity` at once from now on. Growing starts waiting tasks at once; shrinking stops
   * nothing that runs, the running count just has to fall below the new bound before the next start.
   */
  resize(capacity: number): void {
    this.capacity = capacity;
    this.startWhileFree();
  }

  private startWhileFree(): void {
    while (this.running < this.capacity) {
      const next = this.takeWaiting();
      if (next === undefined) return;
      this.begin(next);
    }
  }

  private begin(task: T): void {
    this.running++;
    task.message.started++;
    this.start(task);
  }

  private enqueue(level: number, task: T): void {
    (this.waiting[level] as T[]).push(task);
    this.waitingTotal++;
  }

  private takeWaiting(): T | undefined {
    if (this.waitingTotal === 0) return undefined;
    for (let level = this.waiting.length - 1; level >= 0; level--) {
      const queue = this.waiting[level] as T[];
      const head = this.heads[level] as number;
      if (head === queue.length) continue;
      const task = queue[head] as T;
      queue[head] = undefined as unknown as T; // let it be collected
      this.waitingTotal--;
      if (head + 1 === queue.length) {
        queue.length = 0;
        this.heads[level] = 0;
      } else {
        this.heads[level] = head + 1;
        if (head > 1024 && head * 2 > queue.length) {
          this.waiting[level] = queue.slice(head + 1);
          this.heads[level] = 0;
        }
      }
      return task;
    }
    return undefined;
  }
}
