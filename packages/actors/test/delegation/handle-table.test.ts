import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { HandleTable } from '../../src/delegation/handle-table.js';

describe('HandleTable', () => {
  it('gives ids ≥ 1, and a stale id never finds the next attempt in its slot', () => {
    const runs = new HandleTable<string>();
    const first = runs.add('a');
    expect(first).toBeGreaterThanOrEqual(1);
    expect(runs.delete(first)).toBe(true);
    const second = runs.add('b'); // reuses the slot
    expect(second).not.toBe(first);
    expect(runs.get(first)).toBeUndefined();
    expect(runs.delete(first)).toBe(false);
    expect(runs.get(second)).toBe('b');
  });

  it('reserves ids for records built later, and takes back an id never filled', () => {
    const table = new HandleTable<string>();
    const abandoned = table.reserve();
    table.release(abandoned);
    expect(table.size).toBe(0);
    const id = table.reserve();
    expect(id).not.toBe(abandoned);
    table.set(id, `record ${id}`);
    expect(table.get(id)).toBe(`record ${id}`);
    expect(table.get(abandoned)).toBeUndefined();
    expect(() => table.set(abandoned, 'stale')).toThrow(RangeError);
    table.release(id); // filled: not released
    expect(table.values()).toEqual([`record ${id}`]);
  });

  test.prop([fc.array(fc.oneof(fc.constant('add' as const), fc.nat({ max: 50 })), { maxLength: 300 })])(
    'behaves as a map from fresh ids to records, whatever the adds and deletes',
    (ops) => {
      const runs = new HandleTable<number>();
      const model = new Map<number, number>();
      const issued: number[] = [];
      ops.forEach((op, i) => {
        if (op === 'add') {
          const id = runs.add(i);
          expect(issued).not.toContain(id);
          issued.push(id);
          model.set(id, i);
        } else {
          const id = issued[op % Math.max(1, issued.length)];
          if (id !== undefined) expect(runs.delete(id)).toBe(model.delete(id));
        }
        expect(runs.size).toBe(model.size);
      });
      for (const id of issued) expect(runs.get(id)).toBe(model.get(id));
      expect(runs.values().sort((a, b) => a - b)).toEqual([...model.values()].sort((a, b) => a - b));
    },
  );
});
