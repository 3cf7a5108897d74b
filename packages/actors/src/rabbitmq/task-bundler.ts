import { encode, type TaskBundle } from './wire.js';

/** One attempt of one task, as the delegator hands it to the broker transport. */
export interface OutgoingRun {
  readonly runId: number;
  readonly taskId: string;
  readonly agentType: string;
  readonly payload: unknown;
  readonly attempt: number;
  /** RabbitMQ message priority (0 = lowest). */
  readonly priority: number;
  /** Ms left of the task's TTL, for the broker to expire it; a run with one travels alone. */
  readonly expiresInMs?: number | undefined;
}

/** Where the bundler's output goes. */
export interface BundleSink {
  /** Publishes one task message holding `bundle`, already encoded as `body`. */
  publish(
    agentType: string,
    priority: number,
    bundle: TaskBundle,
    body: Buffer,
    expiresInMs: number | undefined,
  ): void;
  /** The run cannot travel: its payload cannot be cloned, or it alone is over the size limit. */
  refuse(runId: number, reason: 'not-cloneable' | 'too-large', detail: string): void;
}

interface Group {
  readonly agentType: string;
  readonly priority: number;
  readonly runIds: number[];
  readonly taskIds: string[];
  readonly attempts: number[];
  readonly payloads: unknown[];
}

/**
 * Gathers the runs dispatched in one turn of the event loop into task messages: runs of the same type and
 * priority share a message, up to `maxTasksPerMessage` runs and `maxMessageBytes` bytes. A run with a TTL
 * travels alone, because expiry is per message; so does a retry, so that a task that fails (or kills its
 * agent process) does not take a new set of siblings down with it each time. With `maxTasksPerMessage` 1
 * every run is published at once, as its own message.
 *
 * Why bundle at all: the broker's cost is per message (about 130 µs of broker CPU per publish, delivery
 * and acknowledgement on the 2-core machines here, whatever the size), so a no-op task costs what its
 * message costs. Why not always: the broker balances messages, not tasks, and an agent process prefetches
 * `capacity + queueLimit` messages, so it may hold up to that many times `maxTasksPerMessage` tasks.
 */
export class TaskBundler {
  private groups = new Map<string, Group>();
  private scheduled = false;

  constructor(
    private readonly maxTasksPerMessage: number,
    private readonly maxMessageBytes: number,
    private readonly sink: BundleSink,
    /** Runs `flush` once the current turn's runs are in; the transport passes `setImmediate`. */
    private readonly schedule: (flush: () => void) => void,
  ) {}

  add(run: OutgoingRun): void {
    const key = `${run.priority}/${run.agentType}`;
    if (this.maxTasksPerMessage === 1 || run.expiresInMs !== undefined || run.attempt > 1) {
      const earlier = this.groups.get(key);
      if (earlier !== undefined) {
        // Runs of one type and priority leave in the order they came.
        this.groups.delete(key);
        this.send(earlier, undefined);
      }
      this.send(groupOf(run), run.expiresInMs);
      return;
    }
    let group = this.groups.get(key);
    if (group === undefined) this.groups.set(key, (group = emptyGroup(run.agentType, run.priority)));
    push(group, run);
    if (group.runIds.length >= this.maxTasksPerMessage) {
      this.groups.delete(key);
      this.send(group, undefined);
    }
    if (!this.scheduled) {
      this.scheduled = true;
      this.schedule(this.flush);
    }
  }

  /** Publishes every partly filled message now. */
  readonly flush = (): void => {
    this.scheduled = false;
    const groups = this.groups;
    this.groups = new Map();
    for (const group of groups.values()) this.send(group, undefined);
  };

  /** Forgets what has not been published (the transport is closing). */
  discard(): void {
    this.groups.clear();
  }

  private send(group: Group, expiresInMs: number | undefined): void {
    let body: Buffer;
    try {
      body = encode(bundleOf(group));
    } catch (error) {
      return this.sendCloneable(group, expiresInMs, error);
    }
    if (body.length <= this.maxMessageBytes) {
      this.sink.publish(group.agentType, group.priority, bundleOf(group), body, expiresInMs);
    } else if (group.runIds.length === 1) {
      this.sink.refuse(
        group.runIds[0] as number,
        'too-large',
        `task message of ${body.length} bytes is over maxMessageBytes (${this.maxMessageBytes})`,
      );
    } else {
      const half = Math.ceil(group.runIds.length / 2);
      this.send(slice(group, 0, half), expiresInMs);
      this.send(slice(group, half, group.runIds.length), expiresInMs);
    }
  }

  /** One payload cannot be cloned: refuse those that cannot, send the others. */
  private sendCloneable(group: Group, expiresInMs: number | undefined, error: unknown): void {
    if (group.runIds.length === 1) {
      this.sink.refuse(group.runIds[0] as number, 'not-cloneable', describe(error));
      return;
    }
    const cloneable = emptyGroup(group.agentType, group.priority);
    for (let i = 0; i < group.runIds.length; i++) {
      try {
        encode(group.payloads[i]);
        push(cloneable, at(group, i));
      } catch (payloadError) {
        this.sink.refuse(group.runIds[i] as number, 'not-cloneable', describe(payloadError));
      }
    }
    if (cloneable.runIds.length > 0) this.send(cloneable, expiresInMs);
  }
}

function emptyGroup(agentType: string, priority: number): Group {
  return { agentType, priority, runIds: [], taskIds: [], attempts: [], payloads: [] };
}

function groupOf(run: OutgoingRun): Group {
  const group = emptyGroup(run.agentType, run.priority);
  push(group, run);
  return group;
}

function push(group: Group, run: Pick<OutgoingRun, 'runId' | 'taskId' | 'attempt' | 'payload'>): void {
  group.runIds.push(run.runId);
  group.taskIds.push(run.taskId);
  group.attempts.push(run.attempt);
  group.payloads.push(run.payload);
}

function at(group: Group, i: number) {
  return {
    runId: group.runIds[i] as number,
    taskId: group.taskIds[i] as string,
    attempt: group.attempts[i] as number,
    payload: group.payloads[i],
  };
}

function slice(group: Group, from: number, to: number): Group {
  return {
    agentType: group.agentType,
    priority: group.priority,
    runIds: group.runIds.slice(from, to),
    taskIds: group.taskIds.slice(from, to),
    attempts: group.attempts.slice(from, to),
    payloads: group.payloads.slice(from, to),
  };
}

function bundleOf(group: Group): TaskBundle {
  return {
    runIds: group.runIds,
    taskIds: group.taskIds,
    attempts: group.attempts,
    payloads: group.payloads,
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
