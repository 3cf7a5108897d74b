import { isConfigError, VirtualClock } from '@flotilla/core';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { createActor } from 'xstate';
import {
  progressOf,
  supervisorMachine,
  SYNTHESIZE_STEP_ID,
  type Plan,
  type PlanStep,
  type StepFailurePolicy,
  type StepResults,
  type SupervisorOutput,
} from '../../src/supervisor/index.js';
import { FakeFleet } from './fake-delegate.js';
import { toXStateClock } from '../../src/machines/xstate-clock.js';
import { flushMicrotasks } from './test-support.js';

function start(plan: Plan, fleet = new FakeFleet(), maxConcurrentSteps?: number) {
  const actor = createActor(supervisorMachine, {
    input: {
      plan,
      delegate: fleet.delegate,
      ...(maxConcurrentSteps === undefined ? {} : { maxConcurrentSteps }),
    },
    clock: toXStateClock(new VirtualClock()),
  });
  actor.start();
  return { actor, fleet };
}

function output(actor: ReturnType<typeof start>['actor']): SupervisorOutput {
  const snapshot = actor.getSnapshot();
  expect(snapshot.status).toBe('done');
  return snapshot.output as SupervisorOutput;
}

describe('supervisorMachine', () => {
  it('runs ready steps concurrently, passes dependency results forward, then synthesizes', async () => {
    const { actor, fleet } = start({
      steps: [
        { id: 'a', type: 'search', input: { q: 'x' }, priority: 'high', timeoutMs: 500 },
        { id: 'b', type: 'search', input: { q: 'y' } },
        {
          id: 'c',
          type: 'write',
          dependsOn: ['a', 'b'],
          input: (r: StepResults) => `${String(r['a'])}+${String(r['b'])}`,
        },
      ],
      synthesize: { type: 'merge', input: (r) => Object.keys(r).join(',') },
    });
    await flushMicrotasks();
    expect(fleet.calls.map((c) => c.key)).toEqual(['a#1', 'b#1']);
    expect(fleet.call('a#1').request).toMatchObject({
      stepId: 'a',
      type: 'search',
      input: { q: 'x' },
      priority: 'high',
      timeoutMs: 500,
      attempt: 1,
    });
    expect(fleet.call('b#1').request).not.toHaveProperty('priority');
    expect(actor.getSnapshot().context.progress).toEqual({ total: 4, done: 0, failed: 0, running: 2 });
    expect(Object.keys(actor.getSnapshot().children)).toEqual(['step-0-1', 'step-1-1']);

    fleet.call('b#1').resolve('B');
    await flushMicrotasks();
    expect(fleet.calls).toHaveLength(2);
    expect(progressOf(actor.getSnapshot())).toBe(0.25);
    fleet.call('a#1').resolve('A');
    await flushMicrotasks();
    expect(fleet.call('c#1').request.input).toBe('A+B');
    fleet.call('c#1').resolve('C');
    await flushMicrotasks();
    expect(actor.getSnapshot().value).toBe('synthesizing');
    expect(fleet.call(`${SYNTHESIZE_STEP_ID}#1`).request).toMatchObject({ type: 'merge', input: 'a,b,c' });
    fleet.call(`${SYNTHESIZE_STEP_ID}#1`).resolve('final');
    await flushMicrotasks();
    expect(actor.getSnapshot().value).toBe('done');
    expect(output(actor)).toEqual({ status: 'done', result: 'final', results: { a: 'A', b: 'B', c: 'C' } });
    expect(progressOf(actor.getSnapshot())).toBe(1);
    expect(actor.getSnapshot().children).toEqual({});
  });

  it("'fail': stops the other running steps (aborting their signals) and ends in failed", async () => {
    const { actor, fleet } = start({
      steps: [
        { id: 'a', type: 't' },
        { id: 'b', type: 't' },
        { id: 'c', type: 't', dependsOn: ['a'] },
      ],
      synthesize: { type: 's' },
    });
    await flushMicrotasks();
    const error = new Error('agent crashed');
    fleet.call('a#1').reject(error);
    await flushMicrotasks();
    expect(actor.getSnapshot().value).toBe('failed');
    expect(output(actor)).toEqual({ status: 'failed', stepId: 'a', error, results: {} });
    expect(fleet.call('b#1').request.signal.aborted).toBe(true);
    expect(actor.getSnapshot().context.steps.map((s) => s.status)).toEqual([
      'failed',
      'cancelled',
      'pending',
      'pending',
    ]);
    expect(actor.getSnapshot().context.progress).toEqual({ total: 4, done: 0, failed: 1, running: 0 });
    // A late result of a stopped step changes nothing.
    fleet.call('b#1').resolve('late');
    await flushMicrotasks();
    expect(fleet.calls).toHaveLength(2);
    expect(output(actor)).toMatchObject({ status: 'failed', stepId: 'a' });
  });

  it("'ignore': records the step as skipped and its dependents run with results[id] === undefined", async () => {
    const seen: StepResults[] = [];
    const { actor, fleet } = start({
      steps: [
        { id: 'a', type: 't', onFailure: 'ignore' },
        { id: 'b', type: 't' },
        { id: 'c', type: 't', dependsOn: ['a', 'b'], input: (r: StepResults) => (seen.push(r), 'c-in') },
      ],
    });
    await flushMicrotasks();
    fleet.call('a#1').reject(new Error('flaky'));
    fleet.call('b#1').resolve('B');
    await flushMicrotasks();
    expect(actor.getSnapshot().context.steps[0]).toMatchObject({ status: 'skipped', attempts: 1 });
    expect(seen).toEqual([{ a: undefined, b: 'B' }]);
    expect('a' in (seen[0] as StepResults)).toBe(true);
    fleet.call('c#1').resolve('C');
    await flushMicrotasks();
    // Without a synthesize step the result is the last listed step's.
    expect(output(actor)).toEqual({ status: 'done', result: 'C', results: { a: undefined, b: 'B', c: 'C' } });
    expect(actor.getSnapshot().context.progress).toEqual({ total: 3, done: 2, failed: 1, running: 0 });
  });

  it('{ retry: n }: delegates again up to n more times, then fails the plan', async () => {
    const { actor, fleet } = start({ steps: [{ id: 'a', type: 't', onFailure: { retry: 2 } }] });
    await flushMicrotasks();
    fleet.call('a#1').reject(new Error('1'));
    await flushMicrotasks();
    fleet.call('a#2').reject(new Error('2'));
    await flushMicrotasks();
    expect(actor.getSnapshot().context.steps[0]).toMatchObject({
      status: 'running',
      attempts: 3,
      actorId: 'step-0-3',
    });
    expect(actor.getSnapshot().context.progress.running).toBe(1);
    const last = new Error('3');
    fleet.call('a#3').reject(last);
    await flushMicrotasks();
    expect(fleet.calls.map((c) => c.key)).toEqual(['a#1', 'a#2', 'a#3']);
    expect(output(actor)).toEqual({ status: 'failed', stepId: 'a', error: last, results: {} });
    expect(actor.getSnapshot().context.failure).toEqual({ stepId: 'a', error: last, attempts: 3 });
  });

  it('a retry that succeeds counts once', async () => {
    const { actor, fleet } = start({
      steps: [{ id: 'a', type: 't', onFailure: { retry: 1 }, input: () => 'payload' }],
    });
    await flushMicrotasks();
    fleet.call('a#1').reject(new Error('1'));
    await flushMicrotasks();
    expect(fleet.call('a#2').request.input).toBe('payload');
    fleet.call('a#2').resolve('ok');
    await flushMicrotasks();
    expect(output(actor)).toEqual({ status: 'done', result: 'ok', results: { a: 'ok' } });
    expect(actor.getSnapshot().context.progress).toEqual({ total: 1, done: 1, failed: 0, running: 0 });
  });

  it('an input function that throws fails that attempt, under the policy', async () => {
    let calls = 0;
    const { actor, fleet } = start({
      steps: [
        {
          id: 'a',
          type: 't',
          onFailure: { retry: 1 },
          input: () => {
            if (calls++ === 0) throw new Error('bad input');
            return 'fixed';
          },
        },
      ],
    });
    await flushMicrotasks();
    expect(fleet.calls.map((c) => c.key)).toEqual(['a#2']);
    fleet.call('a#2').resolve('ok');
    await flushMicrotasks();
    expect(output(actor)).toMatchObject({ status: 'done', result: 'ok' });
  });

  it('fails the plan when the synthesize step fails', async () => {
    const { actor, fleet } = start({ steps: [{ id: 'a', type: 't' }], synthesize: { type: 's' } });
    await flushMicrotasks();
    fleet.call('a#1').resolve('A');
    await flushMicrotasks();
    expect(fleet.call(`${SYNTHESIZE_STEP_ID}#1`).request.input).toEqual({ a: 'A' });
    fleet.call(`${SYNTHESIZE_STEP_ID}#1`).reject('no');
    await flushMicrotasks();
    expect(output(actor)).toEqual({
      status: 'failed',
      stepId: SYNTHESIZE_STEP_ID,
      error: 'no',
      results: { a: 'A' },
    });
  });

  it('stopping the supervisor aborts every running step', async () => {
    const { actor, fleet } = start({
      steps: [
        { id: 'a', type: 't' },
        { id: 'b', type: 't' },
      ],
    });
    await flushMicrotasks();
    actor.stop();
    expect(fleet.calls.map((c) => c.request.signal.aborted)).toEqual([true, true]);
  });

  it('keeps at most maxConcurrentSteps running: most urgent first, first ready first within a priority', async () => {
    const { actor, fleet } = start(
      {
        steps: [
          { id: 'low', type: 't', priority: 'low' },
          { id: 'm1', type: 't' },
          { id: 'root', type: 't', priority: 'critical' },
          { id: 'm2', type: 't' },
          { id: 'crit', type: 't', priority: 'critical', dependsOn: ['root'] },
          { id: 'high', type: 't', priority: 'high' },
        ],
      },
      new FakeFleet(),
      2,
    );
    await flushMicrotasks();
    const order = () => fleet.calls.map((c) => c.request.stepId);
    expect(order()).toEqual(['root', 'high']);
    fleet.call('root#1').resolve(1);
    await flushMicrotasks();
    // crit became ready after m1 and m2, but outranks them.
    expect(order()).toEqual(['root', 'high', 'crit']);
    expect(actor.getSnapshot().context.progress.running).toBe(2);
    for (const next of ['high', 'crit', 'm1', 'm2', 'low']) {
      fleet.call(`${next}#1`).resolve(next);
      await flushMicrotasks();
      expect(fleet.pending().length).toBeLessThanOrEqual(2);
    }
    expect(order()).toEqual(['root', 'high', 'crit', 'm1', 'm2', 'low']);
    expect(output(actor)).toMatchObject({ status: 'done', result: 'high' });
  });

  it('runs without Math.random: every child actor has an explicit id', async () => {
    const random = vi.spyOn(Math, 'random');
    try {
      const { actor, fleet } = start({
        steps: [{ id: 'a', type: 't', onFailure: { retry: 1 } }],
        synthesize: { type: 's' },
      });
      await flushMicrotasks();
      fleet.call('a#1').reject(new Error('retry me'));
      await flushMicrotasks();
      fleet.call('a#2').resolve('A');
      await flushMicrotasks();
      fleet.call(`${SYNTHESIZE_STEP_ID}#1`).resolve('S');
      await flushMicrotasks();
      expect(output(actor)).toMatchObject({ status: 'done', result: 'S' });
      expect(random).not.toHaveBeenCalled();
    } finally {
      random.mockRestore();
    }
  });

  it('refuses a bad plan or delegate with a ConfigError, as the actor error', () => {
    const bad = [
      { plan: { steps: [] }, delegate: async () => 1 },
      { plan: { steps: [{ id: 'a', type: 't' }] }, delegate: 'nope' },
      { plan: { steps: [{ id: 'a', type: 't' }] }, delegate: async () => 1, maxConcurrentSteps: 0 },
    ];
    for (const input of bad) {
      const actor = createActor(supervisorMachine, { input: input as never });
      let reported: unknown;
      actor.subscribe({ error: (error) => (reported = error) });
      actor.start();
      expect(actor.getSnapshot().status).toBe('error');
      expect(isConfigError(reported)).toBe(true);
    }
  });
});

/** A random DAG: step i depends on a subset of steps created before it; the plan lists them shuffled. */
const dagArb = fc.integer({ min: 1, max: 9 }).chain((n) =>
  fc.record({
    deps: fc.tuple(
      ...Array.from({ length: n }, (_, i) => fc.subarray(Array.from({ length: i }, (_, j) => j))),
    ),
    order: fc.shuffledSubarray(
      Array.from({ length: n }, (_, i) => i),
      { minLength: n, maxLength: n },
    ),
  }),
);

function dagPlan(
  dag: { deps: number[][]; order: number[] },
  policy: (i: number) => StepFailurePolicy | undefined,
  synthesize: boolean,
): Plan {
  const steps = dag.order.map((i): PlanStep => {
    const onFailure = policy(i);
    return {
      id: `s${i}`,
      type: `t${i % 3}`,
      dependsOn: (dag.deps[i] as number[]).map((j) => `s${j}`),
      input: (results: StepResults) => ({ step: i, results }),
      ...(onFailure === undefined ? {} : { onFailure }),
    };
  });
  return synthesize ? { steps, synthesize: { type: 'synth' } } : { steps };
}

const choicesArb = fc.array(fc.nat(), { minLength: 1, maxLength: 20 });

/** Settles pending delegations one at a time, in the order `choices` picks, until the actor stops. */
async function drive(
  actor: ReturnType<typeof start>['actor'],
  fleet: FakeFleet,
  choices: readonly number[],
  fails: (key: string) => boolean,
): Promise<void> {
  await flushMicrotasks();
  for (let turn = 0; actor.getSnapshot().status === 'active'; turn++) {
    const pending = fleet.pending().filter((call) => !call.request.signal.aborted);
    if (pending.length === 0) throw new Error('supervisor is stuck: active with nothing delegated');
    const call = pending[
      (choices[turn % choices.length] as number) % pending.length
    ] as (typeof pending)[number];
    if (fails(call.key)) call.reject(new Error(`fail ${call.key}`));
    else call.resolve(`r:${call.key}`);
    await flushMicrotasks();
  }
}

describe('supervisorMachine properties', () => {
  it('runs every step exactly once, after all its dependencies, whatever the completion order; synthesize last', async () => {
    await fc.assert(
      fc.asyncProperty(
        dagArb,
        choicesArb,
        fc.boolean(),
        fc.option(fc.integer({ min: 1, max: 4 })),
        async (dag, choices, synth, cap) => {
          const fleet = new FakeFleet();
          let maxPending = 0;
          // What had settled when each step was delegated, recorded at the moment of the call.
          const settledAtDelegation = new Map<string, string[]>();
          const actor = createActor(supervisorMachine, {
            input: {
              plan: dagPlan(dag, () => undefined, synth),
              delegate: (request) => {
                settledAtDelegation.set(request.stepId, fleet.settledOrder.slice());
                const promise = fleet.delegate(request);
                maxPending = Math.max(maxPending, fleet.pending().length);
                return promise;
              },
              ...(cap === null ? {} : { maxConcurrentSteps: cap }),
            },
            clock: toXStateClock(new VirtualClock()),
          });
          actor.start();
          await drive(actor, fleet, choices, () => false);
          const n = dag.deps.length;
          const ids = Array.from({ length: n }, (_, i) => `s${i}`);
          expect(fleet.calls.map((c) => c.key).sort()).toEqual(
            [...ids, ...(synth ? [SYNTHESIZE_STEP_ID] : [])].map((id) => `${id}#1`).sort(),
          );
          for (const call of fleet.calls) {
            const settled = settledAtDelegation.get(call.request.stepId) as string[];
            if (call.request.stepId === SYNTHESIZE_STEP_ID) {
              expect(settled.slice().sort()).toEqual(ids.map((id) => `${id}#1`).sort());
              expect(call.request.input).toEqual(Object.fromEntries(ids.map((id) => [id, `r:${id}#1`])));
              continue;
            }
            const i = Number(call.request.stepId.slice(1));
            for (const j of dag.deps[i] as number[]) expect(settled).toContain(`s${j}#1`);
            // The input function received exactly the dependencies' results.
            expect(call.request.input).toEqual({
              step: i,
              results: Object.fromEntries((dag.deps[i] as number[]).map((j) => [`s${j}`, `r:s${j}#1`])),
            });
          }
          if (synth) expect(fleet.settledOrder.at(-1)).toBe(`${SYNTHESIZE_STEP_ID}#1`);
          if (cap !== null) expect(maxPending).toBeLessThanOrEqual(cap);
          expect(output(actor)).toEqual({
            status: 'done',
            result: synth ? `r:${SYNTHESIZE_STEP_ID}#1` : `r:s${dag.order.at(-1) as number}#1`,
            results: Object.fromEntries(ids.map((id) => [id, `r:${id}#1`])),
          });
          expect(progressOf(actor.getSnapshot())).toBe(1);
        },
      ),
      { numRuns: 80 },
    );
  });

  const policyArb = fc.oneof(
    fc.constant<StepFailurePolicy>('fail'),
    fc.constant<StepFailurePolicy>('ignore'),
    fc.integer({ min: 0, max: 2 }).map((retry): StepFailurePolicy => ({ retry })),
  );

  it('applies failure policies as specified, whatever fails and in whatever order', async () => {
    await fc.assert(
      fc.asyncProperty(
        dagArb,
        fc.array(policyArb, { minLength: 9, maxLength: 9 }),
        // failing[i][k]: attempt k + 1 of step i fails.
        fc.array(
          fc.array(
            fc.nat(2).map((x) => x === 0),
            { minLength: 3, maxLength: 3 },
          ),
          { minLength: 9, maxLength: 9 },
        ),
        choicesArb,
        async (dag, policies, failing, choices) => {
          const n = dag.deps.length;
          const plan = dagPlan(dag, (i) => policies[i], false);
          const { actor, fleet } = start(plan);
          const fails = (key: string) => {
            const [id, attempt] = key.split('#') as [string, string];
            return (failing[Number(id.slice(1))] as boolean[])[Number(attempt) - 1] === true;
          };
          await drive(actor, fleet, choices, fails);
          const attemptsAllowed = (i: number) => {
            const policy = policies[i] as StepFailurePolicy;
            return typeof policy === 'object' ? policy.retry + 1 : 1;
          };
          // Fails for good: every allowed attempt fails, under a policy other than ignore.
          const failsForGood = (i: number) =>
            policies[i] !== 'ignore' &&
            Array.from({ length: attemptsAllowed(i) }, (_, k) => (failing[i] as boolean[])[k]).every(Boolean);
          const expectDone = Array.from({ length: n }, (_, i) => i).every((i) => !failsForGood(i));
          const out = output(actor);
          expect(out.status).toBe(expectDone ? 'done' : 'failed');
          const { steps } = actor.getSnapshot().context;
          for (let i = 0; i < n; i++) {
            const step = steps.find((s) => s.id === `s${i}`);
            const calls = fleet.calls.filter((c) => c.request.stepId === `s${i}`);
            expect(calls.map((c) => c.request.attempt)).toEqual(calls.map((_, k) => k + 1));
            expect(calls.length).toBeLessThanOrEqual(attemptsAllowed(i));
            if (step?.status === 'skipped') {
              expect(policies[i]).toBe('ignore');
              expect(fails(`s${i}#1`)).toBe(true);
            }
            if (expectDone) {
              // Every step ran to the end: the first success, or the ignored failure.
              const firstSuccess = Array.from(
                { length: attemptsAllowed(i) },
                (_, k) => !fails(`s${i}#${k + 1}`),
              ).indexOf(true);
              expect(calls).toHaveLength(firstSuccess >= 0 ? firstSuccess + 1 : 1);
              expect(step?.status).toBe(firstSuccess >= 0 ? 'done' : 'skipped');
            }
          }
          if (out.status === 'failed') {
            const i = Number(out.stepId.slice(1));
            expect(failsForGood(i)).toBe(true);
            // Nothing was delegated after the failing settlement, and no running step was left un-aborted.
            const lastKey = fleet.settledOrder.at(-1);
            expect(lastKey).toBe(`${out.stepId}#${attemptsAllowed(i)}`);
            for (const call of fleet.calls) expect(call.settled || call.request.signal.aborted).toBe(true);
            expect(steps.filter((s) => s.status === 'running')).toEqual([]);
          }
        },
      ),
      { numRuns: 80 },
    );
  });
});
