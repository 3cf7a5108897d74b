import type { SerializedError, TaskOutcome, TimerHandle } from '@flotilla/core';
import type { Actor } from 'xstate';
import type { agentMachine } from '../machines/agent-machine.js';
import type { AgentPool, PoolAgent, PooledTask } from './agent-pool.js';

/**
 * A task under delegation: where it is, and its current attempt. The runtime adds its handle, the
 * simulator its arrival; both build the record with {@link DelegatedTask}'s fields at their initial
 * values (`place: 'queued'`, `queueHandle: -1`, `runId: 0`, …) and hand it to `Delegation.submit`.
 */
export interface DelegatedTask extends PooledTask {
  agent: DelegatedAgent | undefined;
  readonly pool: AgentPool<DelegatedTask, DelegatedAgent>;
  /** Id of the current attempt (0 before the first). */
  runId: number;
  startedAtMs: number;
  /** The attempt's timeout, or the retry backoff. */
  timer: TimerHandle | undefined;
  /** The attempt is a half-open breaker's probe. */
  probe: boolean;
}

/** What every agent record has, whatever runs it. */
export interface DelegatedAgentBase extends PoolAgent {
  readonly type: string;
  /** The agent's lifecycle (starting, ready, paused, draining, failed, restarting, stopped). */
  readonly actor: Actor<typeof agentMachine>;
}

/** An agent under delegation; executors extend it (a host and transport, a simulated speed). */
export type DelegatedAgent = DelegatedAgentBase;

/**
 * Where attempts run. The runtime's executor sends them over transports to worker threads or in-process
 * handlers; the simulator's draws service times and faults on a virtual clock. Both answer through
 * `Delegation.completed`, `failed`, `released` and `lost`.
 */
export interface AttemptExecutor<R extends DelegatedTask, A extends DelegatedAgent> {
  /** Adds what the executor needs (a host, a speed) to a new agent's record. */
  createAgent(base: DelegatedAgentBase, pool: AgentPool<R, A>): A;
  /** Whether a starting agent's code is in place, so it can start now (else the executor calls `loaded`). */
  isLoaded(agent: A): boolean;
  /**
   * Optional: true if every new agent of `pool` has its code in place from the start (the simulator's
   * agents). Such an agent's machine is created in `ready` instead of being created in `starting` and sent
   * `STARTED` at once: the same state, reached for a fifth of the cost of two XState macrosteps.
   */
  startsLoaded?(pool: AgentPool<R, A>): boolean;
  /** Starts attempt `runId` of `record` on `agent`. */
  run(record: R, agent: A, runId: number): void;
  /**
   * The delegation stopped waiting for `runId` (timeout or cancel). Ask the agent to stop it, and call
   * `Delegation.released(runId)` once it has: until then the attempt keeps its slot.
   */
  abort(agent: A, runId: number, reason: 'timeout' | 'cancelled'): void;
}

/** What the delegation reports to its owner. */
export interface DelegationHooks<R extends DelegatedTask, A extends DelegatedAgent> {
  /** The task's one terminal outcome. */
  settled(record: R, outcome: TaskOutcome): void;
  /** An attempt started. */
  started?(record: R, agent: A): void;
  /** An attempt failed and another follows after `delayMs`. */
  retrying?(record: R, nextAttempt: number, delayMs: number, error: SerializedError): void;
  /** A control decision: scaling, ejection, restart, an agent stopping. */
  decision(name: string, detail: string, extra: { readonly agentId?: string; readonly type?: string }): void;
  /** No task is live any more. */
  idle?(): void;
}
