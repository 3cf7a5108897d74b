import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { isConfigError } from '@flotilla/core';
import { createFleet, isTaskNotCompletedError, type FleetEvent, type TaskHandle } from '../../src/index.js';
import { agentPath } from '../fixtures/agents.js';

describe('createFleet with worker threads', () => {
  it('runs tasks on module agents and returns their results, with progress and stats', async () => {
    const fleet = createFleet({
      agents: [
        { type: 'echo', module: agentPath('echo'), replicas: 4, capacity: 2 },
        { type: 'wait', module: agentPath('wait-for-abort'), replicas: 1 },
      ],
      threads: 2,
      seed: 1,
    });
    await fleet.ready();
    const handles = fleet.submitMany(
      Array.from({ length: 500 }, (_, i) => ({ type: 'echo', payload: { i } })),
    );
    const results = await Promise.all(handles.map((h) => h.result));
    expect(results).toEqual(Array.from({ length: 500 }, (_, i) => ({ i })));
    const progress: number[] = [];
    const waiting = fleet.submit({ type: 'wait', timeoutMs: 200 });
    waiting.on('progress', ({ fraction }) => progress.push(fraction));
    const outcome = await waiting.outcome;
    expect(progress).toEqual([0.5]);
    expect(outcome).toEqual({ kind: 'expired', phase: 'running', attempts: 1 });
    const stats = fleet.stats();
    expect(stats.outcomes.completed).toBe(500);
    expect(stats.outcomes.expired).toBe(1);
    expect(stats.types['echo']?.agents).toHaveLength(4);
    expect(stats.types['echo']?.agents.reduce((sum, a) => sum + a.completed, 0)).toBe(500);
    await fleet.close();
  });

  it('tells a started listener attached after submit, and starts a burst by priority', async () => {
    const fleet = createFleet({
      agents: [{ type: 'echo', module: agentPath('echo'), replicas: 1, capacity: 1 }],
      threads: 1,
    });
    await fleet.ready();
    // The agent is free, and the task's listeners can only be attached once submit has returned.
    const low = fleet.submit({ type: 'echo', payload: 'low', priority: 'low' });
    const urgent = fleet.submit({ type: 'echo', payload: 'urgent', priority: 'critical' });
    const starts: string[] = [];
    for (const [name, handle] of [
      ['low', low],
      ['urgent', urgent],
    ] as const)
      handle.on('started', ({ attempt, agentId }) => starts.push(`${name} ${attempt} ${agentId}`));
    await Promise.all([low.result, urgent.result]);
    // Submitted in one step, they are served by priority: the critical one takes the one free slot.
    expect(starts).toEqual([expect.stringMatching(/^urgent 1 /), expect.stringMatching(/^low 1 /)]);
    await fleet.close();
  });

  it('retries failures with backoff, then dead-letters them, and redrives on request', async () => {
    const fleet = createFleet({
      agents: [{ type: 'fail', module: agentPath('fail'), replicas: 2 }],
      threads: 1,
      retry: { baseDelayMs: 1, maxDelayMs: 5, jitter: 'full', nonRetryableCodes: ['BAD_INPUT'] },
    });
    const retried: number[] = [];
    const flaky = fleet.submit({ type: 'fail', payload: { code: 'TRANSIENT' }, maxAttempts: 3 });
    flaky.on('retrying', ({ attempt }) => retried.push(attempt));
    const outcome = await flaky.outcome;
    expect(outcome).toMatchObject({ kind: 'dead-lettered', attempts: 3, error: { code: 'TRANSIENT' } });
    expect(retried).toEqual([2, 3]);
    const bad = await fleet.submit({ type: 'fail', payload: { code: 'BAD_INPUT' }, maxAttempts: 5 }).outcome;
    expect(bad).toMatchObject({ kind: 'dead-lettered', attempts: 1 });
    expect(fleet.deadLetters.list().map((d) => d.task.id)).toEqual([flaky.id, expect.any(String)]);
    const again = fleet.deadLetters.redrive(flaky.id);
    expect(await again?.outcome).toMatchObject({ kind: 'dead-lettered', attempts: 3 });
    const error = await flaky.result.catch((e: unknown) => e);
    expect(isTaskNotCompletedError(error)).toBe(true);
    await fleet.close();
  });

  it('survives a worker that dies mid-task: retried elsewhere, none lost, no duplicate completion', async () => {
    const events: FleetEvent[] = [];
    const fleet = createFleet({
      agents: [{ type: 'exit', module: agentPath('exit'), replicas: 4, capacity: 4 }],
      threads: 2,
      restart: { maxRestarts: 5, withinMs: 60_000, backoffMs: 1 },
    });
    fleet.on('event', (event) => events.push(event));
    await fleet.ready();
    const normal = fleet.submitMany(
      Array.from({ length: 200 }, (_, i) => ({ type: 'exit', payload: i, maxAttempts: 3 })),
    );
    const killer = fleet.submit({ type: 'exit', payload: 'exit', maxAttempts: 1 });
    const outcomes = await Promise.all([...normal, killer].map((h) => h.outcome));
    expect(outcomes.slice(0, 200).every((o) => o.kind === 'completed')).toBe(true);
    expect(outcomes[200]).toMatchObject({ kind: 'dead-lettered', error: { code: 'FLOTILLA_WORKER_EXITED' } });
    const completions = events.filter((e) => e.kind === 'task' && e.outcome.kind === 'completed');
    expect(new Set(completions.map((e) => (e as { taskId: string }).taskId)).size).toBe(completions.length);
    expect(events.some((e) => e.kind === 'decision' && e.decision === 'restart-host')).toBe(true);
    // The restarted thread serves again.
    expect(await fleet.submit({ type: 'exit', payload: 'after' }).result).toBe('after');
    await fleet.close();
  });

  it('refuses bad input at submit, naming the field, and changes nothing', async () => {
    const fleet = createFleet({ agents: [{ type: 'echo', module: agentPath('echo') }], threads: 1 });
    const attempts: Array<() => unknown> = [
      () => fleet.submit({ type: 'nope' }),
      () => fleet.submit({ type: 'echo', priority: 'urgent' as never }),
      () => fleet.submit({ type: 'echo', payload: { f: () => 1 } }),
      () => fleet.submit({ type: 'echo', ttlMs: -5 }),
    ];
    const messages = attempts.map((attempt) => {
      try {
        attempt();
        return 'no error';
      } catch (error) {
        expect(isConfigError(error)).toBe(true);
        return (error as Error).message;
      }
    });
    expect(messages[0]).toBe('task.type must be one of echo, got "nope"');
    expect(messages[1]).toContain(
      'task.priority must be one of critical | high | medium | low, got "urgent"',
    );
    expect(messages[2]).toContain('task.payload must be structured-cloneable');
    expect(messages[3]).toBe('task.ttlMs must be a finite number > 0, got -5');
    expect(fleet.stats().types['echo']?.queueDepth.total).toBe(0);
    expect(Object.values(fleet.stats().outcomes).reduce((a, b) => a + b, 0)).toBe(0);
    await fleet.close();
  });

  it("tells each handler its task's id (the wire carries only its number) and keeps handles tidy", async () => {
    const fleet = createFleet({
      agents: [{ type: 'id', module: agentPath('task-id'), replicas: 2, capacity: 8 }],
      threads: 2,
    });
    await fleet.ready();
    const handles = fleet.submitMany(Array.from({ length: 50 }, () => ({ type: 'id' })));
    const results = await Promise.all(handles.map((h) => h.result));
    expect(results).toEqual(handles.map((h) => ({ taskId: h.id, attempt: 1 })));
    expect(new Set(handles.map((h) => h.id)).size).toBe(50);
    // The handle is also the fleet's record of the task: it must not serialize or print the fleet.
    expect(JSON.stringify(handles[0])).toBe(JSON.stringify({ id: handles[0]?.id }));
    expect(inspect(handles[0])).toBe(`TaskHandle { id: '${handles[0]?.id}', settled: completed }`);
    expect(fleet.cancel(handles[0]?.id as string)).toBe(false);
    await fleet.close();
  });

  it('keeps ids apart when a spec getter submits another task while its own is built', async () => {
    const fleet = createFleet({ agents: [{ type: 'id', module: agentPath('task-id') }], threads: 1 });
    let inner: TaskHandle | undefined;
    let reads = 0;
    const outer = fleet.submit({
      // The first read picks the pool; a later one comes from validation, mid-build.
      get type() {
        if (++reads === 2) inner = fleet.submit({ type: 'id' });
        return 'id';
      },
    });
    expect(reads).toBe(2);
    expect(inner?.id).not.toBe(outer.id);
    expect(await outer.result).toEqual({ taskId: outer.id, attempt: 1 });
    expect(await inner?.result).toEqual({ taskId: inner?.id, attempt: 1 });
    await fleet.close();
  });

  it('fails a task whose handler returns a value that cannot be cloned', async () => {
    const fleet = createFleet({
      agents: [{ type: 'nc', module: agentPath('non-cloneable') }],
      threads: 1,
      deadLetter: false,
    });
    expect(await fleet.submit({ type: 'nc', payload: 'bad' }).outcome).toMatchObject({
      kind: 'failed',
      error: { code: 'FLOTILLA_RESULT_NOT_CLONEABLE' },
    });
    await fleet.close();
  });
});

describe('createFleet with in-process handlers', () => {
  it('rejects low priority under backpressure, shuts down cleanly, and gives every task one outcome', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const fleet = createFleet({
      agents: [{ type: 'slow', handler: async () => gate, replicas: 1 }],
      queue: { maxDepth: 10, highWatermark: 4, lowWatermark: 2 },
    });
    await fleet.ready();
    const first = fleet.submit({ type: 'slow' });
    await new Promise((r) => setTimeout(r, 5));
    const queued = Array.from({ length: 4 }, () => fleet.submit({ type: 'slow', priority: 'medium' }));
    const low = fleet.submit({ type: 'slow', priority: 'low' });
    const urgent = fleet.submit({ type: 'slow', priority: 'critical' });
    expect(await low.outcome).toMatchObject({ kind: 'rejected', reason: 'backpressure' });
    expect(fleet.stats().types['slow']?.mode).toBe('backpressure');
    fleet.pause('slow');
    release();
    await first.result;
    expect(fleet.stats().types['slow']?.queueDepth.total).toBe(5);
    fleet.resume('slow');
    await Promise.all([...queued, urgent].map((h) => h.result));
    const late = fleet.submit({ type: 'slow' });
    await fleet.close();
    expect((await late.outcome).kind).toBe('completed');
    expect(fleet.submit({ type: 'slow' }).settled).toMatchObject({
      kind: 'rejected',
      reason: 'shutting-down',
    });
  });

  it('cancels queued and running tasks, and drains an agent before removing it', async () => {
    const fleet = createFleet({
      agents: [
        {
          type: 'wait',
          handler: (_p, ctx) =>
            new Promise((_r, reject) =>
              ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)),
            ),
          replicas: 1,
        },
      ],
    });
    await fleet.ready();
    const running = fleet.submit({ type: 'wait' });
    const queued = fleet.submit({ type: 'wait' });
    await new Promise((r) => setTimeout(r, 5));
    expect(queued.cancel()).toBe(true);
    expect(running.cancel()).toBe(true);
    expect(await queued.outcome).toEqual({ kind: 'cancelled', attempts: 0 });
    expect(await running.outcome).toEqual({ kind: 'cancelled', attempts: 1 });
    expect(running.cancel()).toBe(false);
    const agentId = fleet.stats().types['wait']?.agents[0]?.id as string;
    fleet.drain(agentId);
    await new Promise((r) => setTimeout(r, 5));
    expect(fleet.stats().types['wait']?.agents).toHaveLength(0);
    await fleet.close({ drain: false });
  });
});
