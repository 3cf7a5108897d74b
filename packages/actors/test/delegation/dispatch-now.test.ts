import { createTask, VirtualClock, type Priority, type TaskOutcome } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import { Delegation } from '../../src/delegation/delegation.js';
import type { AttemptExecutor, DelegatedAgent, DelegatedTask } from '../../src/delegation/delegated.js';
import type { DelegationOptions, PoolSpec } from '../../src/delegation/delegation-options.js';

/**
 * A delegation on a virtual clock whose deferred steps run only when the test says (`endStep`), with an
 * executor that records each attempt it is asked to start: what starts inside `submit`, and what waits
 * for the end of the step, is visible.
 */
function harness(options: DelegationOptions = {}, spec: Partial<PoolSpec> = {}, startOnSubmit = true) {
  const clock = new VirtualClock();
  const started: string[] = [];
  const outcomes = new Map<string, TaskOutcome['kind']>();
  const runIds = new Map<string, number>();
  const deferred: Array<() => void> = [];
  const executor: AttemptExecutor<DelegatedTask, DelegatedAgent> = {
    createAgent: (base) => base,
    isLoaded: () => true,
    startsLoaded: () => true,
    run: (record, _agent, runId) => {
      started.push(record.task.id);
      runIds.set(record.task.id, runId);
    },
    abort: () => undefined,
  };
  const delegation = new Delegation({
    types: [
      {
        type: 'w',
        replicas: 1,
        capacity: 1,
        queueLimit: 0,
        capabilities: [],
        rateLimit: undefined,
        weight: undefined,
        ...spec,
      },
    ],
    options: { strategy: 'least-connections', ...options },
    clock,
    seed: 1,
    executor,
    hooks: {
      settled: (record, outcome) => outcomes.set(record.task.id, outcome.kind),
      decision: () => undefined,
    },
    defer: (callback) => deferred.push(callback),
    startOnSubmit,
  });
  delegation.roster.start();
  const endStep = (): void => {
    while (deferred.length > 0) (deferred.shift() as () => void)();
  };
  endStep();
  const pool = delegation.poolOf('w');
  if (pool === undefined) throw new Error('no pool');
  const submit = (
    id: string,
    priority: Priority = 'medium',
    ttlMs?: number,
    createdAtMs = clock.now(),
    capabilities: readonly string[] = [],
  ): boolean =>
    delegation.submit({
      task: createTask(
        { type: 'w', payload: id, priority, capabilities, ...(ttlMs === undefined ? {} : { ttlMs }) },
        { id, nowMs: createdAtMs },
      ),
      requiredMask: 0, // set by submit
      place: 'queued',
      queueHandle: -1,
      agent: undefined,
      pool,
      runId: 0,
      startedAtMs: 0,
      timer: undefined,
      probe: false,
    });
  const complete = (id: string): void => delegation.completed(runIds.get(id) as number, id);
  return { clock, delegation, pool, started, outcomes, submit, complete, endStep };
}

/** Setups in which a task that finds the queue empty and an agent free still takes the queue. */
const QUEUED: ReadonlyArray<{
  readonly why: string;
  readonly options?: DelegationOptions;
  readonly spec?: Partial<PoolSpec>;
  readonly startOnSubmit?: boolean;
  readonly capabilities?: readonly string[];
}> = [
  // The runtime's default: the pump at the end of the step serves it.
  { why: 'without startOnSubmit', startOnSubmit: false },
  // Fair share's tenant accounting must see every task pass.
  { why: 'under fair share', options: { queue: { fairShare: {} } } },
  // A capability filter could leave the pick with nothing, and a failed pick leaves draws behind.
  { why: 'requiring capabilities', spec: { capabilities: ['gpu'] }, capabilities: ['gpu'] },
];

describe('with startOnSubmit, a task that finds the queue empty and an agent free', () => {
  it('starts within submit, without passing through the queue', () => {
    const { pool, started, submit } = harness();
    expect(submit('a')).toBe(true);
    expect(started).toEqual(['a']);
    expect(pool.queue.size).toBe(0);
  });

  it('takes the queue when a task already waits, even a less urgent one, and the pump serves by priority', () => {
    const { pool, started, submit, complete, endStep } = harness();
    submit('first');
    submit('waiting', 'low'); // the one agent is busy: it queues
    expect(pool.queue.size).toBe(1);
    complete('first'); // a slot frees; the pump that fills it runs at the end of the step
    submit('urgent', 'critical');
    expect(started).toEqual(['first']);
    endStep();
    // Strict priority among the waiting: the critical task queued behind nobody more urgent.
    expect(started).toEqual(['first', 'urgent']);
    expect(pool.queue.size).toBe(1);
  });

  it.each(QUEUED)('takes the queue $why, and starts at the end of the step', (setup) => {
    const { pool, started, submit, endStep } = harness(setup.options, setup.spec, setup.startOnSubmit);
    submit('a', 'medium', undefined, undefined, setup.capabilities);
    expect(started).toEqual([]);
    expect(pool.queue.size).toBe(1);
    endStep();
    expect(started).toEqual(['a']);
  });

  it('queues while dispatch is paused, and starts on resume', () => {
    const { delegation, started, submit, endStep } = harness();
    const pool = delegation.poolOf('w');
    pool?.delegator.send({ type: 'PAUSE' });
    submit('a');
    endStep();
    expect(started).toEqual([]);
    pool?.delegator.send({ type: 'RESUME' });
    delegation.wake(pool as NonNullable<typeof pool>);
    endStep();
    expect(started).toEqual(['a']);
  });

  it('expires instead of starting if its time to live ran out before it was submitted', () => {
    const { clock, started, outcomes, submit, endStep } = harness();
    clock.advanceBy(10);
    submit('stale', 'medium', 5, 0); // created at 0, alive until 5, submitted at 10
    endStep();
    expect(started).toEqual([]);
    expect(outcomes.get('stale')).toBe('expired');
  });

  it('queues under a rate limit, which could refuse it after the pick, and starts as the limiter admits', () => {
    const { clock, started, submit, endStep } = harness(
      {},
      { replicas: 2, rateLimit: { requests: { limit: 1, intervalMs: 1_000 } } },
    );
    submit('a');
    submit('b');
    expect(started).toEqual([]);
    endStep();
    expect(started).toEqual(['a']);
    clock.advanceBy(1_000);
    endStep();
    expect(started).toEqual(['a', 'b']);
  });
});
