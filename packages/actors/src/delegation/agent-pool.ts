import {
  AdmissionController,
  AgentTable,
  createStrategy,
  expiresAt,
  NO_AGENT,
  RateLimiter,
  TaskQueue,
  type BalancingStrategy,
  type Clock,
  type EnqueueOptions,
  type PickRequest,
  type Priority,
  type Rng,
  type Task,
  type TimerHandle,
} from '@flotilla/core';
import { createActor, type Actor } from 'xstate';
import { admissionOf, delegatorMachine, dispatchAllowed } from '../machines/delegator-machine.js';
import { toXStateClock } from '../machines/xstate-clock.js';
import type { DelegationOptions, PoolSpec } from './delegation-options.js';

/**
 * Starts attempts for a pool: the delegation itself. An object with a method (a method signature, so pools
 * of task subtypes stay assignable) rather than a callback: every delegation's starts then go to one
 * prototype method, where a closure per delegation was a new call target for each fleet or simulation,
 * and V8 deoptimized the dispatch path in the second one.
 */
export interface AttemptStarter<R, A> {
  startAttempt(record: R, agent: A, nowMs: number): void;
}

/** Where a task is, for cancel and setPriority. */
export type TaskPlace = 'queued' | 'local' | 'running' | 'backoff' | 'done';

/**
 * What the pool needs to know about a task: the delegation extends it with its attempt bookkeeping, and
 * the runtime and the simulator with their own, and all dispatch through the same {@link AgentPool}.
 */
export interface PooledTask {
  readonly task: Task;
  requiredMask: number;
  place: TaskPlace;
  queueHandle: number;
  agent: PoolAgent | undefined;
}

/** One agent as the pool sees it: its slot in the pool's table, what it runs, and its local queue. */
export interface PoolAgent {
  readonly id: string;
  readonly slot: number;
  /** True while the agent's machine is in `draining`: its last task ends the drain. */
  draining: boolean;
  running: number;
  readonly local: PooledTask[];
  completed: number;
  busyMs: number;
}

/**
 * One agent type's data plane: the central priority queue, the agent table and strategy, the rate limiter
 * and the agents' local queues, plus the delegator machine that holds the type's admission mode (the only
 * XState actor on this path, and it sees an event only when a watermark is crossed or an operator acts).
 */
export class AgentPool<R extends PooledTask = PooledTask, A extends PoolAgent = PoolAgent> {
  readonly table = new AgentTable();
  readonly strategy: BalancingStrategy;
  readonly queue: TaskQueue<R>;
  readonly admission: AdmissionController;
  readonly limiter: RateLimiter | undefined;
  readonly delegator: Actor<typeof delegatorMachine>;
  readonly agents = new Map<number, A>();
  /** The same agents by slot, for the dispatch loop: an array read instead of a map lookup per task. */
  private readonly bySlot: Array<A | undefined> = [];
  /** One request object reused for every pick (strategies read it synchronously): dispatch allocates none. */
  private readonly request: PickRequest = { requiredMask: 0, affinityKey: undefined, nowMs: 0 };
  /** One push options object reused for every enqueue (the queue reads it synchronously). */
  private readonly pushOptions: { -readonly [K in keyof EnqueueOptions]-?: NonNullable<EnqueueOptions[K]> } =
    {
      priority: 'medium',
      nowMs: 0,
      expiresAtMs: Number.POSITIVE_INFINITY,
      tenant: 'default',
      cost: 1,
    };
  /** Until when the rate limiter holds tasks back (the autoscaler's "rate-limited" signal). */
  rateLimitedUntilMs = Number.NEGATIVE_INFINITY;
  /** The queue depth `depthChanged` last reported to the admission controller (-1: none yet). */
  private reportedDepth = -1;
  /** A pump is queued for the end of this turn (one per pool per turn, however many results arrived). */
  pumpScheduled = false;
  /** The queued pump itself: one closure per pool, not one per wake-up. */
  readonly scheduledPump = (): void => {
    this.pumpScheduled = false;
    this.pump();
  };
  /** Starts a task on an agent: the delegation. */
  private readonly starter: AttemptStarter<R, A>;
  private pumpTimer: TimerHandle | undefined;
  private pumpTimerAtMs = Number.POSITIVE_INFINITY;
  private expiryTimer: TimerHandle | undefined;
  private expiryTimerAtMs = Number.POSITIVE_INFINITY;

  constructor(
    readonly spec: PoolSpec,
    options: Pick<DelegationOptions, 'strategy' | 'queue'>,
    private readonly clock: Clock,
    rng: Rng,
    onExpired: (record: R) => void,
    starter: AttemptStarter<R, A>,
  ) {
    this.starter = starter;
    this.strategy = createStrategy(
      options.strategy ?? 'least-connections',
      this.table,
      rng.fork('strategy').fork(spec.type),
    );
    const queue = options.queue ?? {};
    const maxDepth = queue.maxDepth ?? 100_000;
    this.queue = new TaskQueue<R>({
      maxDepth,
      ...(queue.overflow === undefined ? {} : { overflow: queue.overflow }),
      ...(queue.agingMs === undefined ? {} : { agingMs: queue.agingMs }),
      ...(queue.fairShare === undefined ? {} : { fairShare: queue.fairShare }),
      onExpired,
    });
    const highWatermark = queue.highWatermark ?? Math.max(1, Math.floor(maxDepth * 0.8));
    this.admission = new AdmissionController({
      maxQueueDepth: maxDepth,
      maxConcurrency: Number.MAX_SAFE_INTEGER,
      highWatermark,
      lowWatermark: queue.lowWatermark ?? Math.floor(highWatermark * 0.75),
      ...(queue.shedPriorities === undefined ? {} : { shedPriorities: queue.shedPriorities }),
    });
    this.limiter = spec.rateLimit === undefined ? undefined : new RateLimiter(spec.rateLimit);
    this.delegator = createActor(delegatorMachine, {
      clock: toXStateClock(clock),
      id: `delegator/${spec.type}`,
    });
    this.delegator.start();
  }

  /** 'accept', 'shed-low' or 'reject-all', from the delegator machine's state. */
  admissionMode(): 'accept' | 'shed-low' | 'reject-all' {
    return admissionOf(this.delegator.getSnapshot());
  }

  /** True if the queue is at its bound for this priority under the current mode. */
  shouldShed(priority: Priority): boolean {
    const mode = this.admissionMode();
    if (mode === 'accept') return false;
    if (mode === 'reject-all') return true;
    return !this.admission.admit(priority, this.queue.size, 0).admitted;
  }

  /** Tells the delegator machine about a watermark crossing (the data plane's only control event). */
  depthChanged(): void {
    const depth = this.queue.size;
    // The hysteresis settles in one step (lowWatermark < highWatermark is validated), so the depth it
    // saw last time, seen again, changes nothing: two or three calls per task skip the transition.
    if (depth === this.reportedDepth) return;
    this.reportedDepth = depth;
    if (this.admission.onDepthChanged(depth)) {
      this.delegator.send({ type: this.admission.mode === 'backpressure' ? 'DEPTH_HIGH' : 'DEPTH_LOW' });
    }
  }

  /** Queues a task; false if the queue refused it. Reports a shed task through `onShed`. */
  enqueue(record: R, onShed: (shed: R) => void): boolean {
    const task = record.task;
    const options = this.pushOptions;
    options.priority = task.priority;
    options.nowMs = task.createdAt;
    options.expiresAtMs = expiresAt(task);
    options.tenant = task.tenant;
    options.cost = task.cost;
    const handle = this.queue.offer(record, options);
    if (handle < 0) return false;
    record.place = 'queued';
    record.queueHandle = handle;
    const shed = this.queue.takeShed();
    if (shed !== undefined) onShed(shed);
    this.armExpiry();
    this.depthChanged();
    return true;
  }

  /**
   * Moves queued tasks to agents while the delegator allows dispatch, an eligible agent has room and the
   * rate limit admits. Pull model: the most urgent task goes first; if it cannot be placed now (no capable
   * agent free), nothing behind it jumps ahead, which keeps priority order strict.
   */
  pump(): void {
    if (!dispatchAllowed(this.delegator.getSnapshot())) return;
    if (this.queue.size === 0 && this.expiryTimer === undefined) {
      // Nothing waits and no expiry is armed (most wake-ups of an unsaturated pool, after a completion):
      // the loop below would find nothing, and re-arming would change nothing. The depth still reports.
      this.depthChanged();
      return;
    }
    const nowMs = this.clock.now();
    for (;;) {
      const record = this.queue.peek(nowMs);
      if (record === undefined) break;
      const slot = this.pick(record, nowMs);
      if (slot === NO_AGENT) break;
      if (this.limiter !== undefined) {
        const waitMs = this.limiter.tryAcquire(record.task.cost, nowMs);
        if (waitMs > 0) {
          this.rateLimitedUntilMs = nowMs + waitMs;
          this.armPump(nowMs + waitMs);
          break;
        }
      }
      this.queue.pop(nowMs);
      this.place(record, slot, nowMs);
    }
    this.armExpiry();
    this.depthChanged();
  }

  /**
   * Hands a task that finds the queue empty straight to an agent, as the next pump would (it would be
   * the first task served, and nothing behind it can jump ahead of an empty queue); false, with nothing
   * changed, if it must wait (dispatch paused, no agent available, capabilities required, a rate limit,
   * or already expired). Most tasks of an unsaturated pool arrive to an empty queue: they skip the
   * queue's push and pop and the deferred pump.
   */
  dispatchNow(record: R): boolean {
    if (!this.queue.passesThrough || !dispatchAllowed(this.delegator.getSnapshot())) return false;
    // Only where the pick cannot come to nothing: no capability filter, an agent available, no rate limit
    // to refuse after it. A pick that failed would leave its draws (random strategies) or cursor moves
    // behind, and the pump's own pick for the task would no longer be the one it would have made.
    if (this.limiter !== undefined || record.requiredMask !== 0 || this.table.availableCount === 0)
      return false;
    const nowMs = this.clock.now();
    const task = record.task;
    if (task.ttlMs !== undefined && expiresAt(task) <= nowMs) return false;
    const slot = this.pick(record, nowMs);
    if (slot === NO_AGENT) return false;
    this.place(record, slot, nowMs);
    return true;
  }

  /** The strategy's agent for `record` now, or {@link NO_AGENT}. */
  private pick(record: R, nowMs: number): number {
    const request = this.request;
    request.nowMs = nowMs;
    request.requiredMask = record.requiredMask;
    request.affinityKey = record.task.affinityKey;
    return this.strategy.pick(request);
  }

  /** Assigns `record` to the agent in `slot`: it starts if the agent has a free slot, else waits locally. */
  private place(record: R, slot: number, nowMs: number): void {
    const agent = this.bySlot[slot] as A;
    this.table.assign(slot);
    record.agent = agent;
    if (agent.running < this.spec.capacity) this.starter.startAttempt(record, agent, nowMs);
    else {
      record.place = 'local';
      agent.local.push(record);
    }
  }

  /** Adds an agent to the pool's agents (its slot in the table is already taken). */
  addAgent(agent: A): void {
    this.agents.set(agent.slot, agent);
    this.bySlot[agent.slot] = agent;
  }

  /** Removes the agent at `slot` from the pool's agents. */
  removeAgent(slot: number): void {
    this.agents.delete(slot);
    this.bySlot[slot] = undefined;
  }

  /** Starts the next locally queued task of `agent` if it has a free slot. */
  startNextLocal(agent: A): void {
    if (agent.local.length === 0) return;
    const nowMs = this.clock.now();
    while (agent.running < this.spec.capacity && agent.local.length > 0) {
      this.starter.startAttempt(agent.local.shift() as R, agent, nowMs);
    }
  }

  /** Agents of this pool: total load, so `drain` and `close` know when they are done. */
  inFlight(): number {
    let total = 0;
    for (const agent of this.agents.values()) total += this.table.loadOf(agent.slot);
    return total;
  }

  stop(): void {
    if (this.pumpTimer !== undefined) this.clock.clearTimer(this.pumpTimer);
    if (this.expiryTimer !== undefined) this.clock.clearTimer(this.expiryTimer);
    this.delegator.stop();
  }

  /** Wakes the pump when the rate limiter will admit again. */
  private armPump(atMs: number): void {
    if (atMs >= this.pumpTimerAtMs) return;
    if (this.pumpTimer !== undefined) this.clock.clearTimer(this.pumpTimer);
    this.pumpTimerAtMs = atMs;
    this.pumpTimer = this.clock.setTimer(atMs - this.clock.now(), () => {
      this.pumpTimer = undefined;
      this.pumpTimerAtMs = Number.POSITIVE_INFINITY;
      this.pump();
    });
  }

  /** Expires waiting tasks on time even when nothing pops the queue (every agent busy). */
  private armExpiry(): void {
    const atMs = this.queue.nextExpiryMs();
    if (atMs === this.expiryTimerAtMs) return;
    if (this.expiryTimer !== undefined) this.clock.clearTimer(this.expiryTimer);
    this.expiryTimer = undefined;
    this.expiryTimerAtMs = atMs;
    if (atMs === Number.POSITIVE_INFINITY) return;
    this.expiryTimer = this.clock.setTimer(Math.max(0, atMs - this.clock.now()), () => {
      this.expiryTimer = undefined;
      this.expiryTimerAtMs = Number.POSITIVE_INFINITY;
      this.queue.expireDue(this.clock.now());
      this.armExpiry();
      this.depthChanged();
    });
  }
}
