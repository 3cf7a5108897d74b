import { AgentFlag, ConfigError, checkInteger, checkName, checkNumber } from '@flotilla/core';
import type { SerializedError } from '@flotilla/core';
import { assign, setup, type SnapshotFrom } from 'xstate';

/** Longest wait before restarting a crashed agent, however often it has crashed. */
export const MAX_RESTART_BACKOFF_MS = 30_000;

/** Input of {@link agentMachine}. */
export interface AgentInput {
  /** The agent's id in the fleet (the `AgentTable` id). */
  readonly agentId: string;
  /** Wait before the first restart; doubles with every crash, up to {@link MAX_RESTART_BACKOFF_MS}. ≥ 0. */
  readonly restartBackoffMs: number;
}

/** Context of {@link agentMachine}. */
export interface AgentContext {
  agentId: string;
  restartBackoffMs: number;
  /** Crashes so far (each `CRASHED` counts one, whether or not a restart follows). */
  restarts: number;
  /** The error of the latest crash. */
  lastError?: SerializedError;
}

/**
 * Events of {@link agentMachine}, all sent by the runtime, which owns the agent's process or worker and its
 * in-flight count (the data plane).
 */
export type AgentEvent =
  /** The agent's worker is up and accepts tasks. */
  | { type: 'STARTED' }
  | { type: 'PAUSE' }
  | { type: 'RESUME' }
  /** Finish the tasks in flight, take no new ones. */
  | { type: 'DRAIN' }
  /** The last in-flight task of a draining agent ended (sent right after `DRAIN` if none was in flight). */
  | { type: 'DRAINED' }
  | { type: 'CRASHED'; error: SerializedError }
  /** The supervisor's restart-intensity policy allowed a restart. */
  | { type: 'RESTART' }
  /** The supervisor will not restart it (intensity exceeded, or the agent was draining or scaled down). */
  | { type: 'GIVE_UP' }
  | { type: 'STOP' };

/**
 * Validates an {@link AgentInput}, throwing a `ConfigError` that names the field and the value. The machine
 * checks its input too, but an actor whose input is bad only ends in an `error` snapshot; call this first
 * to get the error where the options were given.
 *
 * @example
 * ```ts
 * validateAgentInput({ agentId: 'llm-0', restartBackoffMs: 250 }); // returns it
 * validateAgentInput({ agentId: '', restartBackoffMs: 250 });
 * // throws ConfigError: agentId must be a non-empty string, got ""
 * ```
 */
export function validateAgentInput(input: AgentInput): AgentInput {
  if (typeof input !== 'object' || input === null) throw new ConfigError('input', 'be an object', input);
  checkName('agentId', input.agentId);
  checkNumber('restartBackoffMs', input.restartBackoffMs, { min: 0 });
  return input;
}

/**
 * The wait before restart number `restarts` (1-based: the crash count when the restart is scheduled):
 * `restartBackoffMs · 2^(restarts − 1)`, capped at {@link MAX_RESTART_BACKOFF_MS}. Pure; the machine's
 * `restartBackoff` delay.
 *
 * @example
 * ```ts
 * restartBackoffDelayMs(1_000, 1); // 1000
 * restartBackoffDelayMs(1_000, 3); // 4000
 * restartBackoffDelayMs(1_000, 10); // 30000 (capped)
 * ```
 */
export function restartBackoffDelayMs(restartBackoffMs: number, restarts: number): number {
  checkNumber('restartBackoffMs', restartBackoffMs, { min: 0 });
  checkInteger('restarts', restarts, 1);
  // 0 · Infinity is NaN: a zero base stays zero however far the exponent overflows.
  if (restartBackoffMs === 0) return 0;
  return Math.min(MAX_RESTART_BACKOFF_MS, restartBackoffMs * 2 ** (restarts - 1));
}

/**
 * An agent's lifecycle (control plane only: the per-task path never sends it events).
 *
 * `starting` → `STARTED` → `ready` ⇄ `paused` (`PAUSE`/`RESUME`); `ready`|`paused` → `DRAIN` → `draining`
 * → `DRAINED` → `stopped`. A `CRASHED` in `starting`, `ready`, `paused` or `draining` → `failed` (counting
 * the crash, keeping its error); there the runtime asks its restart-intensity policy and sends `RESTART`
 * (→ `restarting`, which waits the `restartBackoff` delay and goes back to `starting`) or `GIVE_UP`
 * (→ `stopped`). `STOP` in any state but `stopped` → `stopped` (final). Events a state does not name are
 * ignored. The only timer is the backoff, scheduled with the XState id
 * `xstate.after.restartBackoff.agent.restarting` (XState gives an `after` event its type as id, so no
 * random id is drawn) and cancelled on leaving `restarting`.
 *
 * @example
 * ```ts
 * const agent = createActor(agentMachine, {
 *   clock: toXStateClock(clock),
 *   input: { agentId: 'llm-0', restartBackoffMs: 500 },
 * }).start();
 * agent.send({ type: 'STARTED' });
 * agent.send({ type: 'CRASHED', error: { name: 'Error', code: 'WORKER_EXIT', message: 'exit 1' } });
 * agent.send({ type: 'RESTART' }); // 'restarting'; 'starting' again 500 ms later on `clock`
 * ```
 */
export const agentMachine = setup({
  types: {
    context: {} as AgentContext,
    events: {} as AgentEvent,
    input: {} as AgentInput,
  },
  actions: {
    recordCrash: assign(({ context }, params: { error: SerializedError }) => ({
      restarts: context.restarts + 1,
      lastError: params.error,
    })),
  },
  delays: {
    restartBackoff: ({ context }) => restartBackoffDelayMs(context.restartBackoffMs, context.restarts),
  },
}).createMachine({
  id: 'agent',
  context: ({ input }) => {
    const { agentId, restartBackoffMs } = validateAgentInput(input);
    return { agentId, restartBackoffMs, restarts: 0 };
  },
  initial: 'starting',
  on: { STOP: '.stopped' },
  states: {
    starting: {
      on: {
        STARTED: 'ready',
        CRASHED: { target: 'failed', actions: { type: 'recordCrash', params: ({ event }) => event } },
      },
    },
    ready: {
      on: {
        PAUSE: 'paused',
        DRAIN: 'draining',
        CRASHED: { target: 'failed', actions: { type: 'recordCrash', params: ({ event }) => event } },
      },
    },
    paused: {
      on: {
        RESUME: 'ready',
        DRAIN: 'draining',
        CRASHED: { target: 'failed', actions: { type: 'recordCrash', params: ({ event }) => event } },
      },
    },
    draining: {
      on: {
        DRAINED: 'stopped',
        CRASHED: { target: 'failed', actions: { type: 'recordCrash', params: ({ event }) => event } },
      },
    },
    failed: {
      on: { RESTART: 'restarting', GIVE_UP: 'stopped' },
    },
    restarting: {
      after: { restartBackoff: 'starting' },
    },
    stopped: { type: 'final' },
  },
});

/**
 * The snapshot of an agent that is `ready` from the start (validated input, no crashes yet): what
 * `starting` + `STARTED` reach, for a runtime that knows the agent's code is already loaded. Restoring it
 * with `createActor(agentMachine, { snapshot })` costs about a fifth of the initial macrostep and the
 * `STARTED` one, which with a thousand agents was a large part of a short simulation.
 *
 * @example
 * ```ts
 * const agent = createActor(agentMachine, {
 *   snapshot: readyAgentSnapshot({ agentId: 'llm-0', restartBackoffMs: 500 }),
 * }).start(); // agent.getSnapshot().value === 'ready'
 * ```
 */
export function readyAgentSnapshot(input: AgentInput): AgentSnapshot {
  const { agentId, restartBackoffMs } = validateAgentInput(input);
  return agentMachine.resolveState({ value: 'ready', context: { agentId, restartBackoffMs, restarts: 0 } });
}

/** A snapshot of {@link agentMachine}. */
export type AgentSnapshot = SnapshotFrom<typeof agentMachine>;

/** The states of {@link agentMachine}. */
export type AgentStateValue = AgentSnapshot['value'];

/**
 * The `AgentTable` flags (from `@flotilla/core`) that an agent's lifecycle state implies: `ready` → 0
 * (eligible), `paused` → `AgentFlag.Paused`, `draining` → `AgentFlag.Draining`, every other state →
 * `AgentFlag.Down`. `AgentFlag.Ejected` is the breaker's to set, never the lifecycle's; the runtime applies
 * each of the three lifecycle flags with `setFlag` and leaves `Ejected` alone.
 *
 * @example
 * ```ts
 * agent.subscribe((snapshot) => {
 *   const flags = agentFlagsOf(snapshot);
 *   for (const flag of [AgentFlag.Paused, AgentFlag.Draining, AgentFlag.Down]) {
 *     table.setFlag(slot, flag, (flags & flag) !== 0);
 *   }
 * });
 * ```
 */
export function agentFlagsOf(snapshot: AgentSnapshot): number {
  switch (snapshot.value) {
    case 'ready':
      return 0;
    case 'paused':
      return AgentFlag.Paused;
    case 'draining':
      return AgentFlag.Draining;
    default:
      // starting, failed, restarting, stopped; also an actor that never ran (an `error` snapshot).
      return AgentFlag.Down;
  }
}
