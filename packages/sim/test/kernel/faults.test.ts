import { fc, test } from '@fast-check/vitest';
import { exponential } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import type { SimFault } from '../../src/kernel/faults.js';
import { simulate, type SimConfig } from '../../src/kernel/simulate.js';
import { poissonArrivals } from './support.js';

/**
 * Faults run through the runtime's own delegation: crashes are lost hosts, errors and 429s are failed
 * attempts that retry per policy and feed the breakers, slowdowns stretch service, the network delays or
 * loses messages. What must hold whatever the faults: every submitted task ends in exactly one outcome.
 */

const AGENTS = 8;
const base = (overrides: Partial<SimConfig> = {}): SimConfig => ({
  seed: 11,
  stop: { timeMs: 200_000 },
  strategy: 'power-of-two',
  agents: [{ type: 'w', count: AGENTS, capacity: 1, queueLimit: 0, service: exponential({ mean: 1000 }) }],
  workloads: [poissonArrivals(5, 'w')],
  ...overrides,
});

const outcomesOf = (report: ReturnType<typeof simulate>): number => {
  const t = report.tasks;
  return t.completed + t.failed + t.deadLettered + t.expired + t.rejected + t.cancelled;
};

const agentId = fc.integer({ min: 0, max: AGENTS - 1 }).map((i) => `w-${i}`);
const window = fc
  .tuple(fc.integer({ min: 0, max: 150_000 }), fc.integer({ min: 1_000, max: 80_000 }))
  .map(([fromMs, spanMs]) => ({ fromMs, toMs: fromMs + spanMs }));
const first = fc.integer({ min: 1, max: AGENTS }).map((count) => ({ kind: 'first' as const, count }));

const fault: fc.Arbitrary<SimFault> = fc.oneof(
  fc.record({
    kind: fc.constant('crash' as const),
    target: agentId.map((id) => ({
      type: 'w',
      agents: { kind: 'list' as const, agents: [{ id, type: 'w', index: Number(id.slice(2)) }] },
    })),
    when: fc.oneof(
      fc.integer({ min: 0, max: 190_000 }).map((atMs) => ({ kind: 'at' as const, atMs })),
      fc
        .integer({ min: 20_000, max: 200_000 })
        .map((meanIntervalMs) => ({ kind: 'rate' as const, meanIntervalMs })),
    ),
    restartDelayMs: fc.oneof(fc.integer({ min: 0, max: 30_000 }), fc.constant(Number.POSITIVE_INFINITY)),
  }),
  fc
    .tuple(first, window, fc.double({ min: 0, max: 1, noNaN: true }), fc.boolean())
    .map(([agents, w, probability, is429]) => ({
      kind: is429 ? ('rate-limit-429' as const) : ('errors' as const),
      target: { type: 'w', agents },
      probability,
      code: is429 ? 'RATE_LIMITED' : 'TRANSIENT',
      ...w,
    })),
  fc.tuple(first, window, fc.double({ min: 1, max: 10, noNaN: true })).map(([agents, w, factor]) => ({
    kind: 'slowdown' as const,
    target: { type: 'w', agents },
    factor,
    ...w,
  })),
);

const network: fc.Arbitrary<SimFault> = fc.record({
  kind: fc.constant('network' as const),
  delay: fc.constant({ dist: 'exponential' as const, mean: 5 }),
  jitterMs: fc.integer({ min: 0, max: 10 }),
  lossRate: fc.double({ min: 0, max: 0.05, noNaN: true }),
  partitions: fc.array(
    window.map((w) => ({ ...w, agents: { kind: 'first' as const, count: 2 } })),
    { maxLength: 2 },
  ),
});

describe('simulated faults', () => {
  test.prop(
    [
      fc.array(fault, { maxLength: 5 }),
      fc.option(network, { nil: undefined }),
      fc.integer({ min: 1, max: 5 }),
      fc.boolean(),
      fc.integer({ min: 0, max: 1_000 }),
    ],
    { numRuns: 25 },
  )(
    'every submitted task ends in exactly one outcome, under any fault schedule (and the run replays)',
    (faults, net, maxAttempts, breakers, seed) => {
      const config = base({
        seed,
        faults: net === undefined ? faults : [...faults, net],
        maxAttempts,
        timeoutMs: 20_000, // lost messages are only recovered by the attempt's deadline
        ttlMs: 120_000,
        retry: { baseDelayMs: 100, maxDelayMs: 2_000, jitter: 'full' },
        ...(breakers
          ? { breaker: { window: { kind: 'consecutive', threshold: 3 }, openDurationMs: 5_000 } }
          : {}),
      });
      const report = simulate(config);
      expect(report.tasks.submitted).toBeGreaterThan(0);
      expect(outcomesOf(report)).toBe(report.tasks.submitted);
      expect(report.attempts.started).toBeLessThanOrEqual(report.tasks.submitted * maxAttempts);
      expect(simulate(config).traceHash).toBe(report.traceHash);
    },
  );

  it('retries 429s until they succeed, and counts the retries', () => {
    const rateLimited: SimFault = {
      kind: 'rate-limit-429',
      target: { type: 'w', agents: { kind: 'all' } },
      probability: 0.2,
      code: 'RATE_LIMITED',
      fromMs: 0,
      toMs: Number.POSITIVE_INFINITY,
    };
    const without = simulate(base({ faults: [rateLimited] }));
    // One attempt each: about 20% of the tasks end dead-lettered.
    expect(without.tasks.deadLettered / without.tasks.submitted).toBeGreaterThan(0.15);
    expect(without.tasks.deadLettered / without.tasks.submitted).toBeLessThan(0.25);
    const withRetries = simulate(base({ faults: [rateLimited], maxAttempts: 12 }));
    // P(12 consecutive 429s) = 0.2^12 ≈ 4e-9 per task: all of them complete.
    expect(withRetries.tasks.completed).toBe(withRetries.tasks.submitted);
    // Retries per task are geometric: 0.2 / 0.8 = 0.25 on average.
    const retriesPerTask = withRetries.attempts.retries / withRetries.tasks.submitted;
    expect(retriesPerTask).toBeGreaterThan(0.2);
    expect(retriesPerTask).toBeLessThan(0.3);
  });

  it('sheds a failing agent with its breaker within its window, and readmits it after it recovers', () => {
    const failing: SimFault = {
      kind: 'errors',
      target: { type: 'w', agents: { kind: 'first', count: 1 } },
      probability: 1,
      code: 'TRANSIENT',
      fromMs: 20_000,
      toMs: 100_000,
    };
    const config = base({ faults: [failing], stop: { timeMs: 400_000 } });
    const unprotected = simulate(config);
    const protectedRun = simulate({
      ...config,
      breaker: { window: { kind: 'consecutive', threshold: 3 }, openDurationMs: 10_000 },
    });
    // Unprotected, w-0 takes about 1/8 of 80 s × 5 tasks/s (more, as it fails fast and looks idle).
    expect(unprotected.tasks.deadLettered).toBeGreaterThan(40);
    // Protected: 3 failures trip it, then one failed probe per 10 s open period (8 periods in 80 s).
    expect(protectedRun.tasks.deadLettered).toBeLessThanOrEqual(3 + 9);
    expect(protectedRun.decisions['breaker-open']).toBeGreaterThanOrEqual(1);
    // After the fault, a probe succeeds, the breaker closes and w-0 takes a full share of work again.
    expect(protectedRun.decisions['breaker-closed']).toBeGreaterThanOrEqual(1);
    // (Never readmitted, it would have worked 20 of 400 s: about 0.05 of the mean.)
    expect(protectedRun.utilization.perAgent[0]).toBeGreaterThan(0.5 * protectedRun.utilization.mean);
  });

  it('fails over a crashed agent: its running task retries elsewhere, and it takes work after restarting', () => {
    const crash: SimFault = {
      kind: 'crash',
      target: { type: 'w', agents: { kind: 'list', agents: [{ id: 'w-0', type: 'w', index: 0 }] } },
      when: { kind: 'at', atMs: 50_000 },
      restartDelayMs: 30_000,
    };
    // Heavy load, so w-0 is certainly running a task when it crashes.
    const config = base({ faults: [crash], maxAttempts: 3, workloads: [poissonArrivals(7.5, 'w')] });
    const report = simulate(config);
    expect(report.decisions['restart-host']).toBe(1);
    expect(report.tasks.completed).toBe(report.tasks.submitted);
    expect(report.attempts.retries).toBeGreaterThanOrEqual(1);
    // Down for 30 of 200 s, it still does most of a full share.
    const share = report.utilization.perAgent[0] as number;
    expect(share).toBeGreaterThan(0.6 * report.utilization.mean);
    expect(share).toBeLessThan(0.95 * report.utilization.mean);
  });

  it('stretches service in a brownout', () => {
    const slow: SimFault = {
      kind: 'slowdown',
      target: { type: 'w', agents: { kind: 'all' } },
      factor: 1.5,
      fromMs: 0,
      toMs: Number.POSITIVE_INFINITY,
    };
    const normal = simulate(base());
    const browned = simulate(base({ faults: [slow] }));
    // Utilization is λ·E[S]/c: 5 × 1 s / 8 = 0.625, and 1.5 times that in the brownout.
    expect(normal.utilization.mean).toBeCloseTo(0.625, 1);
    expect(browned.utilization.mean).toBeCloseTo(0.9375, 1);
  });
});
