import { describe, expect, it } from 'vitest';
import { AgentFlag, AgentTable } from '../../src/balancing/agent-table.js';
import { isConfigError } from '../../src/errors/config-error.js';

describe('AgentTable', () => {
  it('refuses to act on a removed agent or a slot that never held one', () => {
    const table = new AgentTable();
    const slot = table.add({ id: 'a', capacity: 2 });
    table.remove(slot);
    expect(() => table.assign(slot)).toThrow('agent slot 0: no such agent');
    expect(() => table.release(slot)).toThrow('agent slot 0: no such agent');
    expect(() => table.setFlag(slot, AgentFlag.Down, false)).toThrow('agent slot 0: no such agent');
    expect(() => table.assign(-1)).toThrow('no such agent');
    expect(() => table.assign(7)).toThrow('no such agent');
    expect(table.readyCount).toBe(0);
    expect(table.availableCount).toBe(0);
  });

  it('refuses a release without load, and a latency that is not a finite non-negative number', () => {
    const table = new AgentTable();
    const slot = table.add({ id: 'a', capacity: 2 });
    expect(() => table.release(slot)).toThrow('release without load');
    expect(table.loadOf(slot)).toBe(0);
    const fieldOf = (act: () => void): string => {
      try {
        act();
      } catch (error) {
        if (isConfigError(error)) return error.field;
        throw error;
      }
      return expect.fail('expected a ConfigError');
    };
    expect(fieldOf(() => table.recordLatency(slot, Number.NaN, 0))).toBe('latencyMs');
    expect(fieldOf(() => table.recordLatency(slot, -1, 0))).toBe('latencyMs');
    expect(fieldOf(() => table.recordLatency(slot, Number.POSITIVE_INFINITY, 0))).toBe('latencyMs');
    expect(fieldOf(() => table.recordLatency(slot, 5, Number.NaN))).toBe('nowMs');
    expect(() => table.recordLatency(9, 5, 0)).toThrow('agent slot 9: no such agent');
  });

  it('reports latencies to the listeners that observe them, and only valid ones', () => {
    const table = new AgentTable();
    const slot = table.add({ id: 'a', capacity: 1 });
    const seen: string[] = [];
    table.listen({ loadChanged: () => {} }); // observes no latency: never asked
    expect(table.observesLatency).toBe(false);
    table.listen({ latencyObserved: (at, latencyMs, nowMs) => seen.push(`${at}:${latencyMs}@${nowMs}`) });
    expect(table.observesLatency).toBe(true);
    table.recordLatency(slot, 12.5, 100);
    expect(() => table.recordLatency(slot, -3, 101)).toThrow();
    expect(seen).toEqual(['0:12.5@100']);
  });

  it('registers no capability names from a spec it refuses', () => {
    const table = new AgentTable();
    const names = Array.from({ length: 32 }, (_, i) => `cap-${i}`);
    table.add({ id: 'a', capacity: 1, capabilities: names.slice(0, 31) });
    expect(() => table.add({ id: 'b', capacity: 1, capabilities: ['x', 'y'] })).toThrow('hold at most 32');
    expect(table.requirementMask(['x'])).toBe(-1);
    expect(() => table.add({ id: 'c', capacity: 1, capabilities: ['x'] })).not.toThrow();
  });
});
