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

  /** Back to the queue for whoever consumes it next: only for a message none of whose tasks started. */
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
 * Runs at most `capacity` tasks of one agent type at once, in the order they arrived; the rest wait here.
 * The broker's prefetch bounds messages, and a message may carry several tasks, so the process itself
 * bounds the tasks. Closing (pause, drain) hands back every waiting message none of whose tasks has
 * started, and any message that arrives while closed; a message partly started runs to its end, since
 * handing it back would run its started tasks twice.
 */
export class TaskGate<T extends GatedTask> {
  private running = 0;
  private waiting: T[] = [];
  private head = 0;
  private closing = false;

  constructor(
    private capacity: number,
    /** Starts `task`; the process calls {@link done} when it ends. */
    private readonly start: (task: T) => void,
  ) {}

  /** Tasks running now. */
  get runningCount(): number {
    return this.running;
  }

  /** Tasks waiting for a slot. */
  get waitingCount(): number {
    return this.waiting.length - this.head;
  }

  /** The tasks of one message, all at once (so a closed gate can hand the whole message back). */
  offer(tasks: readonly T[]): void {
    const message = tasks[0]?.message;
    if (message === undefined) return;
    if (this.closing) return message.handBack();
    for (const task of tasks) {
      if (this.running < this.capacity) this.begin(task);
      else this.waiting.push(task);
    }
  }

  /** A task started by this gate ended: its slot goes to the next one waiting. */
  done(): void {
    this.running--;
    if (this.running >= this.capacity) return; // shrunk by resize while these ran
    const next = this.takeWaiting();
    if (next !== undefined) this.begin(next);
  }

  /** Stops taking tasks: hands back what has not started (see the class comment). */
  close(): void {
    this.closing = true;
    const kept: T[] = [];
    for (let i = this.head; i < this.waiting.length; i++) {
      const task = this.waiting[i] as T;
      if (task.message.started === 0) task.message.handBack();
      else kept.push(task);
    }
    this.waiting = kept;
    this.head = 0;
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
    while (this.running < this.capacity) {
      const next = this.takeWaiting();
      if (next === undefined) break;
      this.begin(next);
    }
  }

  private begin(task: T): void {
    this.running++;
    task.message.started++;
    this.start(task);
  }

  private takeWaiting(): T | undefined {
    if (this.head === this.waiting.length) return undefined;
    const task = this.waiting[this.head];
    this.waiting[this.head++] = undefined as unknown as T; // let it be collected
    if (this.head > 1024 && this.head * 2 > this.waiting.length) {
      this.waiting = this.waiting.slice(this.head);
      this.head = 0;
    }
    return task;
  }
}
