import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AgentFlag, AgentTable } from '../../src/balancing/agent-table.js';
import { createStrategy } from '../../src/balancing/create-strategy.js';
import type { ConsistentHashStrategy } from '../../src/balancing/strategies/consistent-hash.js';
import { NO_AGENT, type PickRequest } from '../../src/balancing/strategy.js';
import { isConfigError } from '../../src/errors/config-error.js';
import { createRng } from '../../src/random/rng.js';

const request = (affinityKey?: string): PickRequest => ({ requiredMask: 0, affinityKey, nowMs: 0 });

/** A pool where every agent always has room (immediate dispatch), so picks are never constrained. */
function openPool(weights: readonly number[]): AgentTable {
  const table = new AgentTable();
  weights.forEach((weight, i) =>
    table.add({ id: `a${i}`, capacity: 1, queueLimit: Number.POSITIVE_INFINITY, weight }),
  );
  return table;
}

describe('round-robin', () => {
  it('gives each of n eligible agents exactly k of n·k tasks, in cyclic order', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 20 }), (n, k) => {
        const table = openPool(Array.from({ length: n }, () => 1));
        const strategy = createStrategy('round-robin', table, createRng(1));
        const counts = new Array<number>(n).fill(0);
        for (let i = 0; i < n * k; i++) {
          const slot = strategy.pick(request());
          expect(slot).toBe(i % n);
          counts[slot] = (counts[slot] as number) + 1;
          table.assign(slot);
        }
        expect(counts.every((c) => c === k)).toBe(true);
      }),
    );
  });

  it('skips paused agents and resumes them in turn', () => {
    const table = openPool([1, 1, 1]);
    const strategy = createStrategy('round-robin', table, createRng(1));
    table.setFlag(1, AgentFlag.Paused, true);
    expect([0, 1, 2, 3].map(() => strategy.pick(request()))).toEqual([0, 2, 0, 2]);
    table.setFlag(1, AgentFlag.Paused, false);
    expect([0, 1, 2, 3].map(() => strategy.pick(request()))).toEqual([0, 1, 2, 0]);
  });
});

describe('weighted-round-robin', () => {
  it('gives agent i exactly m·wᵢ of every m·W tasks (W = Σw)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 1, max: 5 }),
        (weights, k) => {
          const table = openPool(weights);
          const strategy = createStrategy('weighted-round-robin', table, createRng(1));
          const total = weights.reduce((a, b) => a + b, 0);
          const counts = new Array<number>(weights.length).fill(0);
          for (let i = 1; i <= k * total; i++) {
            const slot = strategy.pick(request());
            counts[slot] = (counts[slot] as number) + 1;
            // Exact at every full round, not only at the end.
            if (i % total === 0) weights.forEach((w, a) => expect(counts[a]).toBe((i / total) * w));
          }
          weights.forEach((w, a) => expect(counts[a]).toBe(k * w));
        },
      ),
    );
  });
});

describe('weighted-random', () => {
  it('picks agents in proportion to their weights (chi-square, p = 0.001)', () => {
    const weights = [1, 2, 3, 4];
    const table = openPool(weights);
    const strategy = createStrategy('weighted-random', table, createRng(7));
    const picks = 20_000;
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < picks; i++) counts[strategy.pick(request())]! += 1;
    const chiSquare = weights.reduce((sum, w, i) => {
      const expected = (picks * w) / 10;
      return sum + ((counts[i] as number) - expected) ** 2 / expected;
    }, 0);
    expect(chiSquare).toBeLessThan(16.27); // 3 degrees of freedom
  });
});

describe('least-connections', () => {
  it('always picks an agent with the least load relative to capacity', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 10 }),
        fc.array(fc.tuple(fc.boolean(), fc.nat()), { maxLength: 200 }),
        (capacities, ops) => {
          const table = new AgentTable();
          capacities.forEach((capacity, i) =>
            table.add({ id: `a${i}`, capacity, queueLimit: Number.POSITIVE_INFINITY }),
          );
          const strategy = createStrategy('least-connections', table, createRng(1));
          const assigned: number[] = [];
          for (const [assign, pick] of ops) {
            if (assign || assigned.length === 0) {
              const slot = strategy.pick(request());
              const best = Math.min(...capacities.map((c, s) => table.loadOf(s) / c));
              expect(table.loadOf(slot) / table.capacityOf(slot)).toBe(best);
              table.assign(slot);
              assigned.push(slot);
            } else {
              table.release(assigned.splice(pick % assigned.length, 1)[0] as number);
            }
          }
        },
      ),
    );
  });
});

describe('power-of-two', () => {
  it('with two agents, always picks the less loaded one', () => {
    const table = openPool([1, 1]);
    const strategy = createStrategy('power-of-two', table, createRng(3));
    for (let i = 0; i < 5; i++) table.assign(0);
    for (let i = 0; i < 4; i++) {
      expect(strategy.pick(request())).toBe(1);
      table.assign(1);
    }
  });
});

describe('join-idle-queue', () => {
  it('sends work to an idle agent whenever one exists, longest idle first', () => {
    const table = openPool([1, 1, 1]);
    const strategy = createStrategy('join-idle-queue', table, createRng(3));
    const first = strategy.pick(request());
    table.assign(first);
    const second = strategy.pick(request());
    table.assign(second);
    const third = strategy.pick(request());
    expect(new Set([first, second, third]).size).toBe(3);
    expect([first, second, third]).toEqual([0, 1, 2]);
    table.assign(third);
    table.release(second);
    expect(strategy.pick(request())).toBe(second);
  });
});

describe('latency-ewma', () => {
  it('moves work away from an agent whose latency jumped', () => {
    const table = openPool([1, 1]);
    const strategy = createStrategy({ name: 'latency-ewma', decayMs: 1000 }, table, createRng(3));
    table.recordLatency(0, 10, 0);
    table.recordLatency(1, 10, 0);
    table.recordLatency(1, 400, 10); // the peak is taken at once
    for (let i = 0; i < 5; i++) expect(strategy.pick({ ...request(), nowMs: 20 })).toBe(0);
  });
});

describe('consistent-hash', () => {
  it('adding an agent moves only keys that now belong to it, about 1/(n+1) of them', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 24 }), fc.nat(), (n, salt) => {
        const table = openPool(Array.from({ length: n }, () => 1));
        const strategy = createStrategy('consistent-hash', table, createRng(1)) as ConsistentHashStrategy;
        const keys = Array.from({ length: 4000 }, (_, i) => `key-${salt}-${i}`);
        const before = keys.map((key) => strategy.ownerOf(key));
        const added = table.add({
          id: `newcomer-${salt}`,
          capacity: 1,
          queueLimit: Number.POSITIVE_INFINITY,
        });
        const after = keys.map((key) => strategy.ownerOf(key));
        let moved = 0;
        keys.forEach((_, i) => {
          if (before[i] !== after[i]) {
            moved++;
            expect(after[i]).toBe(added); // consistency: no key moves between old agents
          }
        });
        const share = moved / keys.length;
        expect(share).toBeGreaterThan(0.4 / (n + 1));
        expect(share).toBeLessThan(2 / (n + 1));
      }),
      { numRuns: 30 },
    );
  });

  it('keeps a key on the same agent, and moves on clockwise when that agent is ineligible', () => {
    const table = openPool([1, 1, 1, 1]);
    const strategy = createStrategy('consistent-hash', table, createRng(1));
    const home = strategy.pick(request('session-7'));
    expect(strategy.pick(request('session-7'))).toBe(home);
    table.setFlag(home, AgentFlag.Ejected, true);
    const fallback = strategy.pick(request('session-7'));
    expect(fallback).not.toBe(home);
    expect(fallback).not.toBe(NO_AGENT);
    table.setFlag(home, AgentFlag.Ejected, false);
    expect(strategy.pick(request('session-7'))).toBe(home);
  });

  it('with bounded loads, never lifts an agent past ⌈c·(total + 1)/n⌉, even for one hot key', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.double({ min: 1.05, max: 3, noNaN: true }),
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 300 }),
        (n, loadFactor, keys) => {
          const table = openPool(Array.from({ length: n }, () => 1));
          const strategy = createStrategy({ name: 'consistent-hash', loadFactor }, table, createRng(1));
          for (const key of keys) {
            const bound = Math.ceil((loadFactor * (table.readyLoad + 1)) / table.readyCount);
            const slot = strategy.pick(request(`hot-${key}`));
            expect(slot).not.toBe(NO_AGENT);
            table.assign(slot);
            expect(table.loadOf(slot)).toBeLessThanOrEqual(bound);
          }
        },
      ),
    );
  });

  it('rejects a load factor that could never place a task', () => {
    try {
      createStrategy({ name: 'consistent-hash', loadFactor: 1 }, new AgentTable(), createRng(1));
      expect.unreachable();
    } catch (error) {
      expect(isConfigError(error)).toBe(true);
      expect((error as Error).message).toBe('loadFactor must be > 1, got 1');
    }
  });
});

describe('createStrategy', () => {
  it('names the field and the value for an unknown strategy', () => {
    expect(() => createStrategy('fastest' as never, new AgentTable(), createRng(1))).toThrow(
      'strategy must be one of round-robin | weighted-round-robin | random | weighted-random | least-connections | power-of-two | join-idle-queue | consistent-hash | latency-ewma, got "fastest"',
    );
  });

  it('indexes agents that were in the table before the strategy was created', () => {
    const table = openPool([1, 1, 1]);
    table.assign(0);
    const strategy = createStrategy('least-connections', table, createRng(1));
    expect([1, 2]).toContain(strategy.pick(request()));
  });
});
