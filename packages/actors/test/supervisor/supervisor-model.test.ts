import { VirtualClock } from '@flotilla/core';
import { createTestModel } from '@xstate/graph';
import { describe, expect, it } from 'vitest';
import { createActor, type AnyTransitionDefinition, type SnapshotFrom } from 'xstate';
import { supervisorMachine, type Plan, type SupervisorEvent } from '../../src/supervisor/index.js';
import { FakeFleet } from './fake-delegate.js';
import { toXStateClock } from '../../src/machines/xstate-clock.js';
import { flushMicrotasks } from './test-support.js';

/**
 * Model-based test of the supervisor: @xstate/graph explores the real machine's transition function from
 * a concrete plan, sending each running step's completion or failure in every order; every generated path
 * is then replayed against a real actor (fake fleet, virtual clock), checking the actor's state after each
 * step against the model's. Finally, every transition the machine defines must have been taken.
 */

type Snapshot = SnapshotFrom<typeof supervisorMachine>;

/** The events the traversal may send in `snapshot`: success or failure of each running step's attempt. */
function completionsOf(snapshot: Snapshot): SupervisorEvent[] {
  if (snapshot.status !== 'active') return [];
  return snapshot.context.steps.flatMap((step): SupervisorEvent[] => {
    const actorId = step.actorId;
    if (step.status !== 'running' || actorId === undefined) return [];
    return [
      { type: `xstate.done.actor.${actorId}`, actorId, output: `out:${step.id}#${step.attempts}` },
      { type: `xstate.error.actor.${actorId}`, actorId, error: `err:${step.id}#${step.attempts}` },
    ];
  });
}

const plans: Record<string, Plan> = {
  // retry, ignore and fail policies, a join, and a synthesize step.
  'policies + synthesize': {
    steps: [
      { id: 'a', type: 'A', onFailure: { retry: 1 } },
      { id: 'b', type: 'B', onFailure: 'ignore' },
      { id: 'c', type: 'C', dependsOn: ['a', 'b'] },
    ],
    synthesize: { type: 'S' },
  },
  // No synthesize: running → done directly, also after an ignored failure.
  'no synthesize': { steps: [{ id: 'x', type: 'X', onFailure: 'ignore' }] },
};

/** Every transition the machine defines, event-driven and eventless. */
function allTransitions(): Set<AnyTransitionDefinition> {
  const all = new Set<AnyTransitionDefinition>();
  for (const node of Object.values(supervisorMachine.root.states)) {
    for (const transitions of node.transitions.values()) transitions.forEach((t) => all.add(t));
    node.always?.forEach((t) => all.add(t));
  }
  return all;
}

describe('supervisorMachine (model-based)', () => {
  const taken = new Set<AnyTransitionDefinition>();
  const statesSeen = new Set<string>();

  for (const [name, plan] of Object.entries(plans)) {
    it(`replays every shortest path of the model against a real actor: ${name}`, async () => {
      const unused = () => Promise.reject(new Error('the model never runs its delegate'));
      const model = createTestModel(supervisorMachine, { input: { plan, delegate: unused } });
      const paths = model.getShortestPaths({ events: completionsOf });
      expect(paths.length).toBeGreaterThanOrEqual(2);

      for (const path of paths) {
        const fleet = new FakeFleet();
        const actor = createActor(supervisorMachine, {
          input: { plan, delegate: fleet.delegate },
          clock: toXStateClock(new VirtualClock()),
          inspect: (event) => {
            if (event.type === '@xstate.microstep' && event.actorRef === actor) {
              event._transitions.forEach((t) => taken.add(t));
            }
          },
        });
        actor.start();
        await flushMicrotasks();

        const settle = async (event: SupervisorEvent) => {
          const step = actor.getSnapshot().context.steps.find((s) => s.actorId === event.actorId);
          if (step === undefined) throw new Error(`no running step for ${event.actorId}`);
          const call = fleet.call(`${step.id}#${step.attempts}`);
          if ('output' in event) call.resolve(event.output);
          else call.reject(event.error);
          await flushMicrotasks();
        };
        // The executors' steps are typed by event type only; the model's events carry actorId and payload.
        const settleStep = (step: { event: { type: string } }) => settle(step.event as SupervisorEvent);
        const events = Object.fromEntries(
          plan.steps.concat([{ id: 'synthesize', type: 'S' }]).flatMap((_, index) =>
            [1, 2, 3].flatMap((attempt) => [
              [`xstate.done.actor.step-${index}-${attempt}`, settleStep],
              [`xstate.error.actor.step-${index}-${attempt}`, settleStep],
            ]),
          ),
        );

        await path.test({
          events,
          states: {
            '*': (expected) => {
              const actual = actor.getSnapshot();
              statesSeen.add(JSON.stringify(expected.value));
              expect(actual.value).toEqual(expected.value);
              expect(actual.status).toBe(expected.status);
              expect(actual.context.steps).toEqual(expected.context.steps);
              expect(actual.context.progress).toEqual(expected.context.progress);
              expect(actual.context.failure).toEqual(expected.context.failure);
              expect(actual.output).toEqual(expected.output);
              if (actual.status === 'active') {
                // Completions of actors the supervisor does not run (e.g. sent from outside) change nothing.
                actor.send({ type: 'xstate.error.actor.intruder', actorId: 'intruder', error: 'x' });
                actor.send({ type: 'xstate.done.actor.step-0-9', actorId: 'step-0-9', output: 'x' });
                expect(actor.getSnapshot().status).toBe('active');
                expect(actor.getSnapshot().context).toEqual(actual.context);
              }
              // The fleet saw exactly the delegations the model made, and cancelled ones were aborted.
              const delegated = expected.context.steps.flatMap((s) =>
                Array.from({ length: s.attempts }, (_, k) => `${s.id}#${k + 1}`),
              );
              expect(fleet.calls.map((c) => c.key).sort()).toEqual(delegated.sort());
              for (const s of expected.context.steps) {
                if (s.attempts === 0) continue;
                const call = fleet.call(`${s.id}#${s.attempts}`);
                expect(call.settled).toBe(s.status !== 'running' && s.status !== 'cancelled');
                expect(call.request.signal.aborted).toBe(s.status === 'cancelled');
              }
            },
          },
        });
      }
    });
  }

  it('covered every state and every transition of the machine', () => {
    expect([...statesSeen].sort()).toEqual(['"done"', '"failed"', '"running"', '"synthesizing"']);
    const missing = [...allTransitions()]
      .filter((t) => !taken.has(t))
      .map((t) => `${t.source.id} ${t.eventType}`);
    expect(missing).toEqual([]);
  });
});
