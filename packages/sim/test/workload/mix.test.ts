import { createRng, exponential, isConfigError, PRIORITIES } from '@flotilla/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { burstyWorkload } from '../../src/workload/bursty.js';
import { closedLoopWorkload } from '../../src/workload/closed-loop.js';
import { diurnalWorkload } from '../../src/workload/diurnal.js';
import { compileMix, type WorkloadMix } from '../../src/workload/mix.js';
import { poissonWorkload } from '../../src/workload/poisson.js';
import type { Workload } from '../../src/workload/workload.js';
import { chiSquare, CHI_SQUARE_P001, runWorkload } from './fake-context.js';

function countsOf<T>(values: readonly T[], keys: readonly T[]): number[] {
  return keys.map((key) => values.filter((value) => value === key).length);
}

function configErrorOf(run: () => unknown): { field: string; message: string } {
  try {
    run();
  } catch (error) {
    if (isConfigError(error)) return error;
    throw error;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

/** Every workload kind, built on `mix`, at a load that gives a few hundred arrivals per simulated second. */
const workloadsOf = (mix: WorkloadMix): Record<string, Workload> => ({
  poisson: poissonWorkload({ ratePerSec: 300, mix }),
  bursty: burstyWorkload({ rateOnPerSec: 900, rateOffPerSec: 30, meanOnMs: 200, meanOffMs: 400, mix }),
  diurnal: diurnalWorkload({ meanRatePerSec: 300, amplitude: 0.9, periodMs: 1_000, mix }),
  'closed-loop': closedLoopWorkload({ clients: 8, thinkTime: exponential({ mean: 20 }), mix }),
});

function timesOf(workload: Workload, seed: number): number[] {
  return runWorkload(workload, seed, { maxTasks: 400, serviceMs: 5, keepArrivals: false }).times;
}

describe('compileMix', () => {
  const n = 20_000;
  const sample = (mix: WorkloadMix, seed = 1) => {
    const draw = compileMix(mix).bind(createRng(seed));
    return Array.from({ length: n }, draw);
  };

  it('draws priorities in proportion to their weights (chi-square, p = 0.001)', () => {
    const weights = { critical: 1, high: 2, medium: 3, low: 4 };
    const counts = countsOf(
      sample({ type: 't', priority: weights }).map((arrival) => arrival.priority),
      PRIORITIES,
    );
    const expected = PRIORITIES.map((priority) => (n * weights[priority]) / 10);
    expect(chiSquare(counts, expected)).toBeLessThan(CHI_SQUARE_P001[3] as number);
  });

  it('draws tenants in proportion to their weights (chi-square, p = 0.001), never a zero-weight one', () => {
    const tenants = { acme: 5, globex: 3, initech: 2, hooli: 0 };
    const drawn = sample({ type: 't', priority: 'low', tenants }).map((arrival) => arrival.tenant);
    const counts = countsOf(drawn, ['acme', 'globex', 'initech', 'hooli']);
    expect(counts[3]).toBe(0);
    expect(chiSquare(counts.slice(0, 3), [0.5 * n, 0.3 * n, 0.2 * n])).toBeLessThan(
      CHI_SQUARE_P001[2] as number,
    );
  });

  it('draws affinity keys "0" … "n-1" uniformly (chi-square, p = 0.001)', () => {
    const keys = Array.from({ length: 8 }, (_, i) => String(i));
    const counts = countsOf(
      sample({ type: 't', priority: 'low', affinityKeys: 8 }).map((arrival) => arrival.affinityKey),
      keys,
    );
    expect(
      chiSquare(
        counts,
        keys.map(() => n / 8),
      ),
    ).toBeLessThan(CHI_SQUARE_P001[7] as number);
  });

  it('leaves out what the mix does not name and fixes what it fixes', () => {
    expect(compileMix({ type: 'llm', priority: 'critical' }).bind(createRng(2))()).toEqual({
      type: 'llm',
      priority: 'critical',
    });
  });

  it('does not depend on the order a config file lists weights in', () => {
    const a = sample({ type: 't', priority: { low: 1, high: 2 }, tenants: { x: 1, y: 2, z: 3 } }, 3);
    const b = sample({ type: 't', priority: { high: 2, low: 1 }, tenants: { z: 3, x: 1, y: 2 } }, 3);
    expect(b).toEqual(a);
  });

  it('draws each field from its own stream: adding tenants does not change the priorities', () => {
    const without = sample({ type: 't', priority: { high: 1, low: 1 } }, 4);
    const withTenants = sample({ type: 't', priority: { high: 1, low: 1 }, tenants: { a: 1, b: 1 } }, 4);
    expect(withTenants.map((arrival) => arrival.priority)).toEqual(
      without.map((arrival) => arrival.priority),
    );
  });

  it('rejects a bad mix, naming the field and the value', () => {
    const bad = (mix: unknown) =>
      configErrorOf(() => compileMix(mix as WorkloadMix, 'workload[1].mix')).message;
    expect(bad({ type: '', priority: 'low' })).toBe(
      'workload[1].mix.type must be a non-empty string, got ""',
    );
    expect(bad({ type: 't', priority: 'urgent' })).toBe(
      'workload[1].mix.priority must be one of critical | high | medium | low, got "urgent"',
    );
    expect(bad({ type: 't', priority: { urgent: 1 } })).toBe(
      'workload[1].mix.priority.urgent must be a key in critical | high | medium | low, got "urgent"',
    );
    expect(bad({ type: 't', priority: { low: -1 } })).toBe(
      'workload[1].mix.priority.low must be a finite number ≥ 0, got -1',
    );
    expect(bad({ type: 't', priority: 'low', tenants: { a: 0 } })).toBe(
      'workload[1].mix.tenants must have at least one weight > 0 and a finite total, got {"a":0}',
    );
    expect(bad({ type: 't', priority: 'low', affinityKeys: 0 })).toBe(
      'workload[1].mix.affinityKeys must be ≥ 1, got 0',
    );
    expect(bad(undefined)).toBe('workload[1].mix must be an object, got undefined');
  });
});

describe('determinism of every workload kind', () => {
  const plain = workloadsOf({ type: 'worker', priority: 'medium' });
  const rich = workloadsOf({
    type: 'worker',
    priority: { critical: 1, high: 1, medium: 1, low: 1 },
    tenants: { a: 1, b: 2 },
    affinityKeys: 64,
  });

  it.each(Object.keys(plain))('%s: the same seed gives the identical arrival sequence', (kind) => {
    fc.assert(
      fc.property(fc.maxSafeNat(), (seed) => {
        const first = runWorkload(rich[kind] as Workload, seed, { maxTasks: 200, serviceMs: 5 });
        const second = runWorkload(rich[kind] as Workload, seed, { maxTasks: 200, serviceMs: 5 });
        expect(second.times).toEqual(first.times);
        expect(second.arrivals).toEqual(first.arrivals);
      }),
      { numRuns: 20 },
    );
  });

  it.each(Object.keys(plain))('%s: different seeds give different arrival times', (kind) => {
    fc.assert(
      fc.property(fc.maxSafeNat(), fc.maxSafeNat(), (a, b) => {
        fc.pre(a !== b);
        expect(timesOf(plain[kind] as Workload, a)).not.toEqual(timesOf(plain[kind] as Workload, b));
      }),
      { numRuns: 20 },
    );
  });

  it.each(Object.keys(plain))('%s: adding mix fields leaves the arrival times unchanged', (kind) => {
    for (const seed of [1, 2, 3]) {
      expect(timesOf(rich[kind] as Workload, seed)).toEqual(timesOf(plain[kind] as Workload, seed));
    }
  });
});
