import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PRIORITIES, priorityLevel, type Priority } from '@flotilla/core';
import { createFleet, type FleetEvent, type TaskHandle } from '../../src/index.js';
import type { TaskContext } from '../../src/host/handler.js';

type Behaviour = 'ok' | 'throw' | 'fatal' | 'hang' | 'slow';

interface Job {
  behaviour: Behaviour;
  priority: Priority;
  maxAttempts: number;
  ttlMs: number | undefined;
  timeoutMs: number | undefined;
  cancelAfterMs: number | undefined;
}

const jobArb: fc.Arbitrary<Job> = fc.record({
  behaviour: fc.constantFrom<Behaviour>('ok', 'ok', 'ok', 'throw', 'fatal', 'hang', 'slow'),
  priority: fc.constantFrom(...PRIORITIES),
  maxAttempts: fc.integer({ min: 1, max: 3 }),
  ttlMs: fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined }),
  timeoutMs: fc.option(fc.integer({ min: 2, max: 20 }), { nil: undefined }),
  cancelAfterMs: fc.option(fc.integer({ min: 0, max: 20 }), { nil: undefined }),
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('fleet conservation under random faults', () => {
  it('ends every submitted task in exactly one outcome, and never exceeds capacity', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(jobArb, { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 40 }),
        async (jobs, replicas, capacity, drain, closeAfterMs) => {
          let running = 0;
          let maxRunning = 0;
          const handler = async (job: Job, ctx: TaskContext): Promise<string> => {
            running++;
            maxRunning = Math.max(maxRunning, running);
            try {
              if (job.behaviour === 'throw')
                throw Object.assign(new Error('transient'), { code: 'TRANSIENT' });
              if (job.behaviour === 'fatal') throw Object.assign(new Error('fatal'), { code: 'FATAL' });
              if (job.behaviour === 'hang' || job.behaviour === 'slow') {
                await new Promise<void>((resolve, reject) => {
                  const timer = setTimeout(resolve, job.behaviour === 'slow' ? 5 : 1_000);
                  ctx.signal.addEventListener('abort', () => {
                    clearTimeout(timer);
                    reject(ctx.signal.reason);
                  });
                });
              }
              return 'ok';
            } finally {
              running--;
            }
          };
          const fleet = createFleet({
            agents: [{ type: 'job', handler: handler as never, replicas, capacity }],
            retry: { baseDelayMs: 1, maxDelayMs: 3, jitter: 'full', nonRetryableCodes: ['FATAL'] },
            queue: { maxDepth: 25 },
            seed: 7,
          });
          const events: FleetEvent[] = [];
          fleet.on('event', (event) => events.push(event));
          await fleet.ready();
          const handles: TaskHandle[] = [];
          for (const job of jobs) {
            const handle = fleet.submit({
              type: 'job',
              payload: job,
              priority: job.priority,
              maxAttempts: job.maxAttempts,
              ...(job.ttlMs === undefined ? {} : { ttlMs: job.ttlMs }),
              ...(job.timeoutMs === undefined ? {} : { timeoutMs: job.timeoutMs }),
            });
            handles.push(handle);
            if (job.cancelAfterMs !== undefined) setTimeout(() => handle.cancel(), job.cancelAfterMs);
          }
          await sleep(closeAfterMs);
          await fleet.close({ drain });
          await sleep(2); // any late answer from a handler must change nothing
          const outcomes = await Promise.all(handles.map((h) => h.outcome));
          expect(outcomes).toHaveLength(jobs.length);
          for (const [i, handle] of handles.entries()) expect(handle.settled).toBe(outcomes[i]);
          const settledIds = events
            .filter((e) => e.kind === 'task')
            .map((e) => (e as { taskId: string }).taskId);
          // Rejected at submit settles without a task event only when refused before queueing.
          expect(new Set(settledIds).size).toBe(settledIds.length);
          const counted = Object.values(fleet.stats().outcomes).reduce((a, b) => a + b, 0);
          expect(counted).toBe(jobs.length);
          expect(maxRunning).toBeLessThanOrEqual(replicas * capacity);
          for (const [i, outcome] of outcomes.entries()) {
            // A job that always throws never completes ('hang' does, after 1 s, when the close drains it).
            if (outcome.kind === 'completed') expect(jobs[i]?.behaviour).not.toMatch(/throw|fatal/);
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it('starts waiting tasks by priority, first-come first-served within a priority', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...PRIORITIES), { minLength: 1, maxLength: 30 }),
        async (priorities) => {
          const started: Array<{ level: number; order: number }> = [];
          const fleet = createFleet({
            agents: [
              {
                type: 'job',
                handler: (p: unknown) => void started.push(p as { level: number; order: number }),
                replicas: 1,
              },
            ],
          });
          await fleet.ready();
          fleet.pause('job');
          const handles = priorities.map((priority, order) =>
            fleet.submit({ type: 'job', priority, payload: { level: priorityLevel(priority), order } }),
          );
          fleet.resume('job');
          await Promise.all(handles.map((h) => h.result));
          for (let i = 1; i < started.length; i++) {
            const [a, b] = [started[i - 1], started[i]] as [
              { level: number; order: number },
              { level: number; order: number },
            ];
            expect(a.level < b.level || (a.level === b.level && a.order < b.order)).toBe(true);
          }
          await fleet.close();
        },
      ),
      { numRuns: 20 },
    );
  });
});
