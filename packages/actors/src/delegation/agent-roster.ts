import { AgentFlag, ConfigError, type Clock, type SerializedError } from '@flotilla/core';
import { createActor, type Actor } from 'xstate';
import {
  agentFlagsOf,
  agentMachine,
  readyAgentSnapshot,
  validateAgentInput,
  type AgentSnapshot,
} from '../machines/agent-machine.js';
import { createRestartIntensity, type RestartIntensity } from '../machines/restart-intensity.js';
import { toXStateClock } from '../machines/xstate-clock.js';
import type { AgentPool } from './agent-pool.js';
import { startAutoscaling, type AutoscaleOptions, type Autoscaling } from './autoscaling.js';
import type { AttemptExecutor, DelegatedAgent, DelegatedTask, DelegationHooks } from './delegated.js';
import type { Delegation } from './delegation.js';
import type { DelegationOptions } from './delegation-options.js';

/** What the roster needs besides its delegation. */
export interface RosterInput<R extends DelegatedTask, A extends DelegatedAgent> {
  readonly clock: Clock;
  readonly executor: AttemptExecutor<R, A>;
  readonly decision: DelegationHooks<R, A>['decision'];
  readonly restart: NonNullable<DelegationOptions['restart']>;
  readonly defer: (callback: () => void) => void;
}

/** Sends to an agent actor only while it runs: a stopped agent has nothing to hear (and XState would warn). */
function tell(
  actor: Actor<typeof agentMachine>,
  event: Parameters<Actor<typeof agentMachine>['send']>[0],
): void {
  if (actor.getSnapshot().status === 'active') actor.send(event);
}

/**
 * The agents of a delegation and their lifecycles: each agent is an XState agent machine (starting, ready,
 * paused, draining, failed, restarting, stopped) whose state is mirrored into its pool's table as flags,
 * so the per-task path reads a bit instead of asking the actor. Adds, drains, scales, restarts lost agents
 * within the restart intensity (OTP's "at most N restarts within T"), and runs autoscalers.
 */
export class AgentRoster<R extends DelegatedTask, A extends DelegatedAgent> {
  /** Every agent that has not stopped, by id. */
  readonly agents = new Map<string, A>();
  private readonly restartIntensity: RestartIntensity;
  private readonly restartBackoffMs: number;
  private readonly autoscalers: Autoscaling[] = [];
  /** Next agent index per type: agents are `<type>-0`, `<type>-1`, … in the order they were added. */
  private readonly nextIndex = new Map<string, number>();
  /** Agents restored `ready` whose machine nobody has needed yet (see `add`). */
  private readonly unborn = new Set<string>();
  private stopped = false;

  constructor(
    private readonly delegation: Delegation<R, A>,
    private readonly input: RosterInput<R, A>,
  ) {
    this.restartIntensity = createRestartIntensity({
      maxRestarts: input.restart.maxRestarts ?? 5,
      withinMs: input.restart.withinMs ?? 60_000,
    });
    this.restartBackoffMs = input.restart.backoffMs ?? 100;
  }

  /** Adds each type's initial replicas. */
  start(): void {
    for (const pool of this.delegation.pools.values())
      for (let i = 0; i < pool.spec.replicas; i++) this.add(pool);
    this.delegation.breakers?.attach(this.delegation.pools.values());
  }

  /** The state of an agent's machine (`ready`, `draining`, …). */
  stateOf(agent: A): string {
    return String(agent.actor.getSnapshot().value);
  }

  /** True once no agent is still starting. */
  allStarted(): boolean {
    for (const agent of this.agents.values()) if (this.stateOf(agent) === 'starting') return false;
    return true;
  }

  /** Adds one agent to `pool`; it takes work once its executor says its code is loaded. */
  add(pool: AgentPool<R, A>): A {
    const spec = pool.spec;
    const index = this.nextIndex.get(spec.type) ?? 0;
    this.nextIndex.set(spec.type, index + 1);
    const id = `${spec.type}-${index}`;
    const slot = pool.table.add({
      id,
      capacity: spec.capacity,
      queueLimit: spec.queueLimit,
      capabilities: spec.capabilities,
      ...(spec.weight === undefined ? {} : { weight: spec.weight }),
    });
    pool.table.setFlag(slot, AgentFlag.Down, true);
    const input = { agentId: id, restartBackoffMs: this.restartBackoffMs };
    // An agent whose code is there from the start begins in `ready`: the state `STARTED` would reach at
    // once, without the two macrosteps.
    const ready = this.input.executor.startsLoaded?.(pool) === true;
    let previousFlags = -1;
    const observe = (snapshot: AgentSnapshot): void => {
      agent.draining = snapshot.value === 'draining';
      const flags = agentFlagsOf(snapshot);
      if (flags !== previousFlags) {
        previousFlags = flags;
        for (const flag of [AgentFlag.Paused, AgentFlag.Draining, AgentFlag.Down] as const)
          pool.table.setFlag(slot, flag, (flags & flag) !== 0);
        this.delegation.wake(pool);
      }
      if (snapshot.value === 'starting' && this.input.executor.isLoaded(agent))
        this.input.defer(() => tell(actor, { type: 'STARTED' }));
      if (snapshot.status === 'done') {
        pool.table.remove(slot);
        pool.removeAgent(slot);
        this.agents.delete(id);
        this.input.decision('agent-stopped', `${id} stopped`, { agentId: id, type: spec.type });
      }
    };
    const create = (): Actor<typeof agentMachine> =>
      createActor(agentMachine, {
        input, // unread when a snapshot is given
        ...(ready ? { snapshot: readyAgentSnapshot(input) } : {}),
        clock: toXStateClock(this.input.clock),
        id: `agent/${id}`,
      });
    let actor!: Actor<typeof agentMachine>;
    let agent: A;
    if (ready) {
      // A `ready` machine has no timers and acts only on events, so until one is sent (or its state read)
      // it is exactly its restored snapshot: the actor is created then. Creating a thousand up front was
      // most of a simulation's setup, and a fleet that never pauses, drains or loses them needs none.
      validateAgentInput(input); // as restoring the snapshot would, now
      this.unborn.add(id);
      const born = (): Actor<typeof agentMachine> => {
        if (this.unborn.delete(id)) {
          actor = create();
          // Started before subscribing: its first snapshot is the `ready` the flags already show (and an
          // executor that copies the record reads this before `agent` is assigned).
          actor.start();
          actor.subscribe(observe);
          if (this.stopped) actor.stop();
        }
        return actor;
      };
      agent = this.input.executor.createAgent(
        {
          id,
          type: spec.type,
          slot,
          get actor(): Actor<typeof agentMachine> {
            return born();
          },
          draining: false,
          running: 0,
          local: [],
          completed: 0,
          busyMs: 0,
        },
        pool,
      );
      pool.addAgent(agent);
      this.agents.set(id, agent);
      // What `start` would have told the subscriber about `ready`: no flag (agentFlagsOf), dispatch to it.
      previousFlags = 0;
      for (const flag of [AgentFlag.Paused, AgentFlag.Draining, AgentFlag.Down] as const)
        pool.table.setFlag(slot, flag, false);
      this.delegation.wake(pool);
      return agent;
    }
    actor = create();
    agent = this.input.executor.createAgent(
      { id, type: spec.type, slot, actor, draining: false, running: 0, local: [], completed: 0, busyMs: 0 },
      pool,
    );
    pool.addAgent(agent);
    this.agents.set(id, agent);
    actor.subscribe(observe);
    // `start` hands subscribers the first snapshot.
    actor.start();
    if (this.input.executor.isLoaded(agent)) tell(actor, { type: 'STARTED' });
    return agent;
  }

  /** The executor loaded the code of the agents `which` selects: those still starting take work now. */
  loaded(which: (agent: A) => boolean): void {
    for (const agent of this.agents.values())
      if (which(agent) && this.stateOf(agent) === 'starting') tell(agent.actor, { type: 'STARTED' });
  }

  /** Lets the agent finish what it holds, gives it nothing new, then removes it. */
  drain(agentId: string): void {
    const agent = this.agents.get(agentId);
    if (agent === undefined) throw new ConfigError('agentId', 'name an agent of this fleet', agentId);
    tell(agent.actor, { type: 'DRAIN' });
    const pool = this.delegation.pools.get(agent.type) as AgentPool<R, A>;
    if (pool.table.loadOf(agent.slot) === 0) tell(agent.actor, { type: 'DRAINED' });
  }

  /** @internal A draining agent's last task ended. */
  drained(agent: A): void {
    tell(agent.actor, { type: 'DRAINED' });
  }

  /** Grows or shrinks a type to `replicas` agents (shrinking drains the least loaded first). */
  scale(type: string, replicas: number): void {
    const pool = this.poolOf(type);
    const live = [...this.agents.values()].filter((a) => a.type === type && this.stateOf(a) !== 'draining');
    for (let n = live.length; n < replicas; n++) this.add(pool);
    const surplus = live
      .sort((a, b) => pool.table.loadOf(a.slot) - pool.table.loadOf(b.slot))
      .slice(0, Math.max(0, live.length - replicas));
    for (const agent of surplus) this.drain(agent.id);
    this.input.decision('scale', `${type}: ${live.length} → ${replicas} agents`, { type });
  }

  /**
   * `agents` were lost together (one thread, one process): their work fails over (see
   * `Delegation.lost`), and they restart if the restart intensity allows, else give up.
   * Returns the verdict, so the owner restarts the host (or does not).
   */
  crashed(agents: readonly A[], error: SerializedError, host: string): 'restart' | 'escalate' {
    for (const agent of agents) tell(agent.actor, { type: 'CRASHED', error });
    this.delegation.lost(agents, error);
    const verdict = this.restartIntensity.recordRestart(this.input.clock.now());
    this.input.decision(
      verdict === 'restart' ? 'restart-host' : 'give-up-host',
      `${host}: ${error.message}`,
      {},
    );
    for (const agent of agents) tell(agent.actor, { type: verdict === 'restart' ? 'RESTART' : 'GIVE_UP' });
    return verdict;
  }

  /** `agents` failed for good (their code cannot load): their work fails over, and they stop. */
  abandon(agents: readonly A[], error: SerializedError): void {
    for (const agent of agents) tell(agent.actor, { type: 'CRASHED', error });
    this.delegation.lost(agents, error);
    this.giveUp(agents);
  }

  /** Gives up on agents (their host will not come back). */
  giveUp(agents: readonly A[]): void {
    for (const agent of agents) tell(agent.actor, { type: 'GIVE_UP' });
  }

  /** Sends an agent's `PAUSE`, `RESUME` or `STOP`. */
  tell(agent: A, event: { type: 'PAUSE' | 'RESUME' | 'STOP' }): void {
    tell(agent.actor, event);
  }

  /** Starts an autoscaler for `type` on the delegation's clock. */
  autoscale(type: string, options: AutoscaleOptions): Autoscaling {
    const pool = this.poolOf(type);
    const autoscaling = startAutoscaling(
      {
        clock: this.input.clock,
        pool,
        agents: () =>
          [...this.agents.values()]
            .filter((a) => a.type === type && this.stateOf(a) === 'ready')
            .map((a) => ({ id: a.id, load: pool.table.loadOf(a.slot) })),
        scale: (replicas) => this.scale(type, replicas),
        drain: (agentId) => this.drain(agentId),
        report: (d) =>
          this.input.decision('autoscale', `${d.kind} ${d.from} → ${d.to}: ${d.detail}`, { type }),
      },
      options,
    );
    this.autoscalers.push(autoscaling);
    return autoscaling;
  }

  stop(): void {
    this.stopped = true;
    for (const autoscaling of this.autoscalers) autoscaling.stop();
    // A machine not yet created has nothing to stop; should it be read later, it is created stopped.
    for (const agent of this.agents.values()) if (!this.unborn.has(agent.id)) agent.actor.stop();
  }

  private poolOf(type: string): AgentPool<R, A> {
    const pool = this.delegation.pools.get(type);
    if (pool === undefined)
      throw new ConfigError('type', `be one of ${[...this.delegation.pools.keys()].join(' | ')}`, type);
    return pool;
  }
}
