import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AgentFlag, AgentTable } from '../../src/balancing/agent-table.js';
import { createStrategy } from '../../src/balancing/create-strategy.js';
import type { ConsistentHashStrategy } from '../../src/balancing/strategies/consistent-hash.js';
import { NO_AGENT, type PickRequest } from '../../src/balancing/strategy.js';
import { createRng } from '../../src/random/rng.js';

const open = { queueLimit: Number.POSITIVE_INFINITY };
const request = (overrides: Partial<PickRequest> = {}): PickRequest => ({
  requiredMask: 0,
  affinityKey: undefined,
  nowMs: 0,
  ...overrides,
});

describe('weighted-round-robin', () => {
  it('gives an agent back from a pause no burst of back-to-back turns', () => {
    const table = new AgentTable();
    [0, 1].forEach((i) => table.add({ id: `a${i}`, capacity: 1, ...open }));
    const strategy = createStrategy('weighted-round-robin', table, createRng(1));
    table.setFlag(1, AgentFlag.Paused, true);
    for (let i = 0; i < 20; i++) strategy.pick(request());
    table.setFlag(1, AgentFlag.Paused, false);
    const next = Array.from({ length: 6 }, () => strategy.pick(request()));
    expect(next.filter((slot) => slot === 1).length).toBe(3);
  });

  it('gives an agent passed over by capability-filtered picks no burst afterwards', () => {
    const table = new AgentTable();
    table.add({ id: 'gpu', capacity: 1, capabilities: ['gpu'], ...open });
    table.add({ id: 'cpu', capacity: 1, ...open });
    const strategy = createStrategy('weighted-round-robin', table, createRng(1));
    const gpu = table.requirementMask(['gpu']);
    for (let i = 0; i < 50; i++) expect(strategy.pick(request({ requiredMask: gpu }))).toBe(0);
    const next = Array.from({ length: 20 }, () => strategy.pick(request()));
    expect(next.filter((slot) => slot === 1).length).toBe(10);
  });
});

describe('least-connections', () => {
  it('lets equally loaded agents take turns instead of the lowest slot taking everything', () => {
    const table = new AgentTable();
    [0, 1, 2].forEach((i) => table.add({ id: `a${i}`, capacity: 1, ...open }));
    const strategy = createStrategy('least-connections', table, createRng(1));
    const picks = Array.from({ length: 6 }, () => {
      const slot = strategy.pick(request());
      table.assign(slot);
      table.release(slot); // load returns to 0: every pick is a tie
      return slot;
    });
    expect(new Set(picks.slice(0, 3))).toEqual(new Set([0, 1, 2]));
    expect(picks.slice(3)).toEqual(picks.slice(0, 3));
  });
});

describe('latency-ewma', () => {
  it('lets a slow agent’s latency decay while it is left alone, and retries it', () => {
    const table = new AgentTable();
    [0, 1].forEach((i) => table.add({ id: `a${i}`, capacity: 1, ...open }));
    const strategy = createStrategy({ name: 'latency-ewma', decayMs: 1000 }, table, createRng(1));
    table.recordLatency(0, 1000, 0);
    table.recordLatency(1, 10, 0);
    expect(strategy.pick(request({ nowMs: 1 }))).toBe(1);
    table.assign(1); // agent 1 now has work; agent 0 has been idle for an hour
    expect(strategy.pick(request({ nowMs: 3_600_000 }))).toBe(0);
  });
});

describe('consistent-hash', () => {
  it('never maps a key to a removed agent', () => {
    const table = new AgentTable();
    [0, 1, 2, 3].forEach((i) => table.add({ id: `a${i}`, capacity: 1, ...open }));
    const strategy = createStrategy('consistent-hash', table, createRng(1)) as ConsistentHashStrategy;
    table.remove(2);
    for (let i = 0; i < 500; i++) expect(strategy.ownerOf(`k${i}`)).not.toBe(2);
  });

  it('with bounded loads, keeps each agent within its capacity-weighted bound', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 1, maxLength: 12 }),
        fc.double({ min: 1.05, max: 3, noNaN: true }),
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 300 }),
        (capacities, loadFactor, keys) => {
          const table = new AgentTable();
          capacities.forEach((capacity, i) => table.add({ id: `a${i}`, capacity, ...open }));
          const totalCapacity = capacities.reduce((a, b) => a + b, 0);
          const strategy = createStrategy({ name: 'consistent-hash', loadFactor }, table, createRng(1));
          for (const key of keys) {
            const perCapacity = (loadFactor * (table.readyLoad + 1)) / totalCapacity;
            const slot = strategy.pick(request({ affinityKey: `hot-${key}` }));
            expect(slot).not.toBe(NO_AGENT);
            table.assign(slot);
            expect(table.loadOf(slot)).toBeLessThanOrEqual(Math.ceil(perCapacity * table.capacityOf(slot)));
          }
        },
      ),
    );
  });

  it('with bounded loads, still places work when only an agent above its bound is capable', () => {
    const table = new AgentTable();
    table.add({ id: 'gpu', capacity: 100, capabilities: ['gpu'], queueLimit: 0 });
    table.add({ id: 'cpu', capacity: 100, queueLimit: 0 });
    const strategy = createStrategy({ name: 'consistent-hash', loadFactor: 1.25 }, table, createRng(1));
    const gpu = table.requirementMask(['gpu']);
    for (let i = 0; i < 100; i++) {
      const slot = strategy.pick(request({ requiredMask: gpu, affinityKey: `k${i}` }));
      expect(slot).toBe(0);
      table.assign(slot);
    }
    expect(strategy.pick(request({ requiredMask: gpu }))).toBe(NO_AGENT); // now it is full
  });
});
