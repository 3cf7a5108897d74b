import { VirtualClock } from '@flotilla/core';
import { createTestModel } from '@xstate/graph';
import { describe, expect, it } from 'vitest';
import { assign, createActor, setup, type AnyTransitionDefinition, type SnapshotFrom } from 'xstate';
import {
  autoscalerMachine,
  type AutoscaleDecisionKind,
  type AutoscaleMetrics,
  type AutoscaleReason,
  type AutoscalerConfig,
  type AutoscalerEmitted,
} from '../../src/autoscaler/index.js';
import { toXStateClock } from '../../src/machines/xstate-clock.js';

/**
 * Model-based test of the autoscaler. @xstate/graph refuses machines with `after` (the autoscaler's
 * cooldown and apply timeout), so the model is an abstract statechart written here, from the spec, with
 * the timers as explicit events; its decision rule is spelled out per metrics sample rather than borrowed
 * from the implementation, so it is an independent oracle. Every shortest path of the model is replayed
 * against a real autoscaler actor on a virtual clock, timers fired by advancing time, and the actor's state
 * is compared with the model's after each step. Finally every transition of the real machine must have
 * been taken.
 */

const config: AutoscalerConfig = {
  type: 'writer',
  minAgents: 1,
  maxAgents: 3,
  targetUtilization: 0.5,
  scaleUpQueuePerAgent: 2,
  hysteresis: 0.2,
  cooldownMs: 1000,
  applyTimeoutMs: 300,
};

const SAMPLES = ['hot', 'hot-rate-limited', 'backlog', 'cold', 'cold-none-idle', 'band'] as const;
type Sample = (typeof SAMPLES)[number];

/** The metrics of `sample` for a fleet of `agents`. */
function metricsOf(sample: Sample, agents: number): Omit<AutoscaleMetrics, 'nowMs'> {
  const allIdle = Array.from({ length: agents }, (_, i) => `a${i}`);
  const common = { agents, queueDepth: 0, rateLimited: false, idleAgentIds: [] as string[] };
  switch (sample) {
    case 'hot':
      return { ...common, busyAgents: agents };
    case 'hot-rate-limited':
      return { ...common, busyAgents: agents, rateLimited: true };
    case 'backlog':
      return { ...common, utilization: 0.5, queueDepth: 3 * agents };
    case 'cold':
      return { ...common, busyAgents: 0, idleAgentIds: allIdle };
    case 'cold-none-idle':
      return { ...common, utilization: 0.2 };
    case 'band':
      return { ...common, utilization: 0.55 };
  }
}

type Logged = { kind: AutoscaleDecisionKind; reason: AutoscaleReason; from: number };

/** What the spec says about `sample` at `agents` (min 1, max 3): the decision, and whether it is logged. */
function expected(
  sample: Sample,
  agents: number,
): { kind: AutoscaleDecisionKind; to: number; reason: AutoscaleReason; logged: boolean } {
  const up = (reason: AutoscaleReason) =>
    agents < config.maxAgents
      ? { kind: 'scale-up' as const, to: agents + 1, reason, logged: true }
      : { kind: 'hold' as const, to: agents, reason: 'at-max' as const, logged: true };
  const atMin = { kind: 'hold' as const, to: agents, reason: 'at-min' as const, logged: false };
  switch (sample) {
    case 'hot':
      return up('utilization-high');
    case 'backlog':
      return up('queue-high');
    case 'hot-rate-limited':
      return { kind: 'hold', to: agents, reason: 'rate-limited', logged: true };
    case 'cold':
      return agents > config.minAgents
        ? { kind: 'scale-down', to: agents - 1, reason: 'utilization-low', logged: true }
        : atMin;
    case 'cold-none-idle':
      return agents > config.minAgents
        ? { kind: 'hold', to: agents, reason: 'no-idle-agent', logged: true }
        : atMin;
    case 'band':
      return { kind: 'hold', to: agents, reason: 'within-band', logged: false };
  }
}

type ModelEvent =
  | { type: 'EVALUATE'; sample: Sample; agents: number }
  | { type: 'SCALED' }
  | { type: 'APPLY_TIMEOUT' }
  | { type: 'COOLDOWN_ELAPSED' };

interface ModelContext {
  /** The simulated fleet's size. */
  agents: number;
  /** `to` of the decision being applied. */
  pendingTo: number | null;
  /** The last entry of the decision log. */
  lastLogged: Logged | null;
}

const outcomeOf = (event: ModelEvent) =>
  event.type === 'EVALUATE' ? expected(event.sample, event.agents) : undefined;

const model = setup({
  types: { context: {} as ModelContext, events: {} as ModelEvent },
  guards: {
    scalesUp: ({ event }) => outcomeOf(event)?.kind === 'scale-up',
    scalesDown: ({ event }) => outcomeOf(event)?.kind === 'scale-down',
    logsNewHold: ({ context, event }) => {
      const outcome = outcomeOf(event);
      if (outcome === undefined || outcome.kind !== 'hold' || !outcome.logged) return false;
      const last = context.lastLogged;
      return !(
        last !== null &&
        last.kind === 'hold' &&
        last.reason === outcome.reason &&
        last.from === context.agents
      );
    },
  },
  actions: {
    log: assign(({ context, event }) => {
      const outcome = outcomeOf(event);
      if (outcome === undefined) return {};
      const lastLogged = { kind: outcome.kind, reason: outcome.reason, from: context.agents };
      return outcome.kind === 'hold' ? { lastLogged } : { lastLogged, pendingTo: outcome.to };
    }),
    apply: assign(({ context }) => ({ agents: context.pendingTo ?? context.agents, pendingTo: null })),
    drop: assign({ pendingTo: null }),
  },
}).createMachine({
  id: 'autoscalerModel',
  context: { agents: 2, pendingTo: null, lastLogged: null },
  initial: 'steady',
  states: {
    steady: {
      on: {
        EVALUATE: [
          { guard: 'scalesUp', target: 'scalingUp', actions: 'log' },
          { guard: 'scalesDown', target: 'scalingDown', actions: 'log' },
          { guard: 'logsNewHold', actions: 'log' },
        ],
      },
    },
    scalingUp: {
      on: {
        SCALED: { target: 'cooldown', actions: 'apply' },
        APPLY_TIMEOUT: { target: 'cooldown', actions: 'drop' },
      },
    },
    scalingDown: {
      on: {
        SCALED: { target: 'cooldown', actions: 'apply' },
        APPLY_TIMEOUT: { target: 'cooldown', actions: 'drop' },
      },
    },
    cooldown: { on: { COOLDOWN_ELAPSED: 'steady' } },
  },
});

type ModelSnapshot = SnapshotFrom<typeof model>;

function allTransitions(): Set<AnyTransitionDefinition> {
  const all = new Set<AnyTransitionDefinition>();
  for (const node of Object.values(autoscalerMachine.root.states)) {
    for (const transitions of node.transitions.values()) transitions.forEach((t) => all.add(t));
  }
  return all;
}

describe('autoscalerMachine (model-based)', () => {
  it('replays every shortest path of the model against a real actor, covering every state and transition', async () => {
    const testModel = createTestModel(model, {
      events: (state: ModelSnapshot): ModelEvent[] => [
        ...SAMPLES.map((sample): ModelEvent => ({ type: 'EVALUATE', sample, agents: state.context.agents })),
        { type: 'SCALED' },
        { type: 'APPLY_TIMEOUT' },
        { type: 'COOLDOWN_ELAPSED' },
      ],
    });
    const paths = testModel.getShortestPaths();
    expect(paths.length).toBeGreaterThan(10);
    console.log(
      paths.length,
      paths.reduce((n, p) => n + p.steps.length, 0),
    );

    const taken = new Set<AnyTransitionDefinition>();
    const statesSeen = new Set<string>();
    for (const path of paths) {
      const clock = new VirtualClock();
      const actor = createActor(autoscalerMachine, {
        input: config,
        clock: toXStateClock(clock),
        inspect: (event) => {
          if (event.type === '@xstate.microstep' && event.actorRef === actor)
            event._transitions.forEach((t) => taken.add(t));
        },
      });
      const emitted: AutoscalerEmitted[] = [];
      actor.on('*', (event) => emitted.push(event));
      actor.start();
      const evaluate = (sample: Sample, agents: number) =>
        actor.send({
          type: 'EVALUATE',
          nowMs: clock.now(),
          ...metricsOf(sample, agents),
        } as AutoscaleMetrics & { type: 'EVALUATE' });
      /** Advances to just before a timer is due (nothing happens), then onto it. */
      const fireAfter = (delayMs: number, stillIn: string) => {
        clock.advanceBy(delayMs - 1);
        expect(actor.getSnapshot().value).toBe(stillIn);
        clock.advanceBy(1);
      };

      await path.test({
        events: {
          EVALUATE: (step) => {
            // The executor's step is typed by event type only; the model's events carry their sample.
            const event = step.event as ModelEvent;
            if (event.type === 'EVALUATE') evaluate(event.sample, event.agents);
          },
          SCALED: () => {
            clock.advanceBy(7);
            actor.send({ type: 'SCALED' });
          },
          APPLY_TIMEOUT: () => fireAfter(config.applyTimeoutMs as number, String(actor.getSnapshot().value)),
          COOLDOWN_ELAPSED: () => fireAfter(config.cooldownMs, 'cooldown'),
        },
        states: {
          '*': (expectedState) => {
            const snapshot = actor.getSnapshot();
            statesSeen.add(String(expectedState.value));
            expect(snapshot.value).toBe(expectedState.value);
            expect(snapshot.context.pending?.to ?? null).toBe(expectedState.context.pendingTo);
            const last = snapshot.context.decisions.at(-1);
            expect(
              last === undefined ? null : { kind: last.kind, reason: last.reason, from: last.from },
            ).toEqual(expectedState.context.lastLogged);
            if (snapshot.value === 'steady') {
              // In steady, bad metrics are reported and change nothing.
              const before = emitted.length;
              actor.send({
                type: 'EVALUATE',
                ...metricsOf('hot', expectedState.context.agents),
                nowMs: Number.NaN,
              } as AutoscaleMetrics & {
                type: 'EVALUATE';
              });
              expect(actor.getSnapshot().value).toBe(snapshot.value);
              expect(actor.getSnapshot().context).toEqual(snapshot.context);
              expect(emitted.slice(before).map((e) => e.type)).toEqual(['invalid-metrics']);
            } else {
              // Outside steady, EVALUATE is ignored: no decision, no emission, no state change.
              const before = emitted.length;
              evaluate('hot', expectedState.context.agents);
              evaluate('cold', expectedState.context.agents);
              expect(actor.getSnapshot().value).toBe(snapshot.value);
              expect(emitted).toHaveLength(before);
            }
          },
        },
      });
    }

    expect([...statesSeen].sort()).toEqual(['cooldown', 'scalingDown', 'scalingUp', 'steady']);
    const missing = [...allTransitions()]
      .filter((t) => !taken.has(t))
      .map((t) => `${t.source.id} ${t.eventType}`);
    expect(missing).toEqual([]);
  });
});
