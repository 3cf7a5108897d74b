import type { ConfigError } from '@flotilla/core';
import { enqueueActions, setup } from 'xstate';
import {
  decide,
  isBlockedHold,
  metricsError,
  type AutoscaleDecision,
  type AutoscaleMetrics,
} from './autoscale-decision.js';
import {
  validateAutoscalerConfig,
  type AutoscalerConfig,
  type ResolvedAutoscalerConfig,
} from './autoscaler-config.js';

/** Decisions an autoscaler keeps in its context; older ones are dropped first. */
export const DECISION_LOG_LIMIT = 100;

/**
 * Events of {@link autoscalerMachine}:
 * - `EVALUATE`: the type's current metrics, sent periodically by the runtime. Decided on in `steady`
 *   only; ignored while a change is applied or cooling down.
 * - `SCALED`: the runtime finished applying the pending decision (agents started, or the drained agent
 *   stopped). Cooldown starts then, so it measures time with the new fleet, not with agents still starting.
 */
export type AutoscalerEvent =
  ({ readonly type: 'EVALUATE' } & AutoscaleMetrics) | { readonly type: 'SCALED' };

/**
 * What an autoscaler emits (`actor.on(type, handler)`): the runtime acts on `decision` events whose
 * `kind` is `scale-up` (start `to − from` agents) or `scale-down` (drain `drainAgentId`), then sends
 * `SCALED`; `hold` decisions are for the log only.
 */
export type AutoscalerEmitted =
  | { readonly type: 'decision'; readonly decision: AutoscaleDecision }
  /** No `SCALED` came within `applyTimeoutMs`; cooldown started anyway. */
  | { readonly type: 'apply-timeout'; readonly decision: AutoscaleDecision }
  /** An `EVALUATE` carried bad metrics; nothing was decided. */
  | { readonly type: 'invalid-metrics'; readonly error: ConfigError };

/** Context of {@link autoscalerMachine}. */
export interface AutoscalerContext {
  readonly config: ResolvedAutoscalerConfig;
  /**
   * The decision log, oldest first, at most {@link DECISION_LOG_LIMIT} entries: every scaling decision,
   * and every hold that blocked a scaling need (`rate-limited`, `at-max`, `no-idle-agent`), a repeat of
   * the previous entry excepted. Plain `within-band` holds are not logged.
   */
  readonly decisions: readonly AutoscaleDecision[];
  /** The scaling decision being applied (in `scalingUp` / `scalingDown`). */
  readonly pending: AutoscaleDecision | undefined;
}

/** The decision `event` asks for in `context`, or `undefined` for another event or bad metrics. */
function decisionOf(context: AutoscalerContext, event: AutoscalerEvent): AutoscaleDecision | undefined {
  if (event.type !== 'EVALUATE' || metricsError(event) !== undefined) return undefined;
  return decide(context.config, event);
}

/** A blocked hold that repeats the last logged entry says nothing new: log it once per episode. */
function repeatsLast(context: AutoscalerContext, decision: AutoscaleDecision): boolean {
  const last = context.decisions[context.decisions.length - 1];
  return (
    last !== undefined &&
    last.kind === decision.kind &&
    last.reason === decision.reason &&
    last.from === decision.from
  );
}

/**
 * The autoscaler of one agent type. States:
 * - `steady`: each `EVALUATE` is decided by {@link decide} (the pure `autoscaleDecision`); a scale-up or
 *   scale-down is logged, emitted and moves to `scalingUp` / `scalingDown`; a blocked hold is logged and
 *   emitted; anything else changes nothing;
 * - `scalingUp` / `scalingDown`: the runtime applies the decision; `SCALED`, or `applyTimeoutMs` without
 *   it, moves to `cooldown`;
 * - `cooldown`: no decisions (anti-flapping) until the `cooldownMs` delay has passed, then `steady`.
 *
 * Decisions reach the runtime as emitted `decision` events (see {@link AutoscalerEmitted}); the bounded log
 * in `context.decisions` is for `fleet.stats()` and post-mortems. Timers are the named `after` delays
 * `applyTimeout` and `cooldown`, whose delayed events XState ids explicitly; they run on the clock given to
 * `createActor`. The input is checked by `validateAutoscalerConfig`.
 *
 * @example
 * ```ts
 * const actor = createActor(autoscalerMachine, { input: config, clock });
 * actor.on('decision', ({ decision }) => {
 *   if (decision.kind === 'hold') return log(decision);
 *   void apply(decision).then(() => actor.send({ type: 'SCALED' }));
 * });
 * actor.start();
 * actor.send({ type: 'EVALUATE', nowMs: clock.now(), agents: 2, busyAgents: 2, queueDepth: 9,
 *   rateLimited: false, idleAgentIds: [] });
 * ```
 */
export const autoscalerMachine = setup({
  types: {
    input: {} as AutoscalerConfig,
    context: {} as AutoscalerContext,
    events: {} as AutoscalerEvent,
    emitted: {} as AutoscalerEmitted,
  },
  guards: {
    hasInvalidMetrics: ({ event }) => event.type === 'EVALUATE' && metricsError(event) !== undefined,
    decidesScaleUp: ({ context, event }) => decisionOf(context, event)?.kind === 'scale-up',
    decidesScaleDown: ({ context, event }) => decisionOf(context, event)?.kind === 'scale-down',
    decidesBlockedHold: ({ context, event }) => {
      const decision = decisionOf(context, event);
      return decision !== undefined && isBlockedHold(decision) && !repeatsLast(context, decision);
    },
  },
  actions: {
    recordDecision: enqueueActions(({ context, event, enqueue }) => {
      const decision = decisionOf(context, event);
      if (decision === undefined) return;
      const decisions = [...context.decisions.slice(1 - DECISION_LOG_LIMIT), decision];
      const pending = decision.kind === 'hold' ? context.pending : decision;
      enqueue.assign({ decisions, pending });
      enqueue.emit({ type: 'decision', decision });
    }),
    reportInvalidMetrics: enqueueActions(({ event, enqueue }) => {
      const error = event.type === 'EVALUATE' ? metricsError(event) : undefined;
      if (error !== undefined) enqueue.emit({ type: 'invalid-metrics', error });
    }),
    clearPending: enqueueActions(({ enqueue }) => enqueue.assign({ pending: undefined })),
    reportApplyTimeout: enqueueActions(({ context, enqueue }) => {
      if (context.pending !== undefined) enqueue.emit({ type: 'apply-timeout', decision: context.pending });
      enqueue.assign({ pending: undefined });
    }),
  },
  delays: {
    cooldown: ({ context }) => context.config.cooldownMs,
    applyTimeout: ({ context }) => context.config.applyTimeoutMs,
  },
}).createMachine({
  // The id prefixes the delayed events' ids (`xstate.after.cooldown.autoscaler.cooldown`).
  id: 'autoscaler',
  context: ({ input }) => ({ config: validateAutoscalerConfig(input), decisions: [], pending: undefined }),
  initial: 'steady',
  states: {
    steady: {
      on: {
        EVALUATE: [
          { guard: 'hasInvalidMetrics', actions: 'reportInvalidMetrics' },
          { guard: 'decidesScaleUp', target: 'scalingUp', actions: 'recordDecision' },
          { guard: 'decidesScaleDown', target: 'scalingDown', actions: 'recordDecision' },
          { guard: 'decidesBlockedHold', actions: 'recordDecision' },
        ],
      },
    },
    scalingUp: {
      on: { SCALED: { target: 'cooldown', actions: 'clearPending' } },
      after: { applyTimeout: { target: 'cooldown', actions: 'reportApplyTimeout' } },
    },
    scalingDown: {
      on: { SCALED: { target: 'cooldown', actions: 'clearPending' } },
      after: { applyTimeout: { target: 'cooldown', actions: 'reportApplyTimeout' } },
    },
    cooldown: {
      after: { cooldown: 'steady' },
    },
  },
});
