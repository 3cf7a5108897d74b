import { createRng, deterministic, exponential, isConfigError, normal } from '@flotilla/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { closedLoopWorkload } from '../../src/workload/closed-loop.js';
import type { Arrival, WorkloadContext } from '../../src/workload/workload.js';
import { FakeContext, runWorkload } from './fake-context.js';

const mix = { type: 'worker', priority: 'high' } as const;

describe('closedLoopWorkload', () => {
  it('never has more than `clients` tasks outstanding', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.double({ min: 0, max: 500, noNaN: true }),
        fc.double({ min: 0, max: 500, noNaN: true }),
        fc.boolean(),
        fc.nat(),
        (clients, thinkMs, serviceMs, startThinking, seed) => {
          const thinkTime = thinkMs === 0 ? deterministic({ value: 0 }) : exponential({ mean: thinkMs });
          const workload = closedLoopWorkload({ clients, thinkTime, mix, startThinking });
          const context = runWorkload(workload, seed, { maxTasks: 300, serviceMs, keepArrivals: false });
          expect(context.maxOutstanding).toBeLessThanOrEqual(clients);
          expect(context.times).toHaveLength(300);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('has throughput clients / (think + service) for a fixed service time, within 5σ', () => {
    const clients = 20;
    const thinkMs = 900;
    const serviceMs = 100;
    const untilMs = 2_000_000;
    const workload = closedLoopWorkload({ clients, thinkTime: exponential({ mean: thinkMs }), mix });
    const context = runWorkload(workload, 11, { untilMs, serviceMs, keepArrivals: false });
    // Each client is a renewal process with cycles of mean μ = think + service and sd σ = sd(think); its
    // count over T has variance ≈ T σ² / μ³ (the renewal central limit theorem).
    const cycle = thinkMs + serviceMs;
    const expected = (clients * untilMs) / cycle;
    const sd = Math.sqrt((clients * untilMs * thinkMs ** 2) / cycle ** 3);
    expect(Math.abs(context.times.length - expected)).toBeLessThan(5 * sd + clients);
    expect(context.maxOutstanding).toBeLessThanOrEqual(clients);
  });

  it('submits exactly once per cycle with deterministic think and service times', () => {
    const workload = closedLoopWorkload({ clients: 3, thinkTime: deterministic({ value: 40 }), mix });
    const context = runWorkload(workload, 12, { untilMs: 500, serviceMs: 60 });
    // Submissions at 40, 140, 240, 340, 440 for each of the three clients, in client order.
    expect(context.times).toEqual([40, 140, 240, 340, 440].flatMap((time) => [time, time, time]));
  });

  it('with startThinking false submits `clients` tasks at the start', () => {
    const workload = closedLoopWorkload({
      clients: 5,
      thinkTime: deterministic({ value: 10 }),
      mix,
      startThinking: false,
    });
    const context = runWorkload(workload, 13, { untilMs: 1, serviceMs: 100, startMs: 0 });
    expect(context.times).toEqual([0, 0, 0, 0, 0]);
  });

  it('survives tasks that end synchronously on submit, and outcomes reported twice', () => {
    let submissions = 0;
    const clock = new FakeContext({ maxTasks: Number.POSITIVE_INFINITY });
    const context: WorkloadContext = {
      now: () => clock.now(),
      at: (atMs, callback) => clock.at(atMs, callback),
      active: () => submissions < 50,
      submit: (_arrival: Arrival, onDone?: () => void) => {
        submissions++;
        onDone?.(); // rejected at once...
        onDone?.(); // ...and reported again by a buggy caller
      },
    };
    closedLoopWorkload({ clients: 2, thinkTime: exponential({ mean: 10 }), mix }).start(
      context,
      createRng(14),
    );
    clock.run();
    expect(submissions).toBe(50);
  });

  it('clamps negative think times to 0 rather than scheduling in the past', () => {
    const workload = closedLoopWorkload({ clients: 4, thinkTime: normal({ mean: 0, stddev: 100 }), mix });
    // FakeContext throws on an event in the past.
    expect(runWorkload(workload, 15, { maxTasks: 1_000, serviceMs: 1 }).times).toHaveLength(1_000);
  });

  it('rejects a think time that is not a distribution and a client count below 1', () => {
    const bad = (run: () => unknown): string => {
      try {
        run();
      } catch (error) {
        if (isConfigError(error)) return error.message;
      }
      return 'no ConfigError';
    };
    expect(bad(() => closedLoopWorkload({ clients: 0, thinkTime: exponential({ mean: 1 }), mix }))).toBe(
      'clients must be ≥ 1, got 0',
    );
    expect(bad(() => closedLoopWorkload({ clients: 1, thinkTime: 5 as never, mix }, 'workload[0]'))).toMatch(
      /^workload\[0\]\.thinkTime must be a Distribution/,
    );
  });
});
