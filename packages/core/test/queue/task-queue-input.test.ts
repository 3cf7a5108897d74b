import { describe, expect, it } from 'vitest';
import { isConfigError } from '../../src/errors/config-error.js';
import { TaskQueue } from '../../src/queue/task-queue.js';
import { SlotAllocator } from '../../src/collections/slot-allocator.js';

function configError(act: () => unknown): Error {
  try {
    act();
  } catch (error) {
    expect(isConfigError(error)).toBe(true);
    return error as Error;
  }
  throw new Error('expected a ConfigError');
}

describe('TaskQueue input', () => {
  it('refuses an unknown priority on push and on reprioritize, and changes nothing', () => {
    const queue = new TaskQueue<string>({ maxDepth: 4 });
    expect(configError(() => queue.push('x', { priority: 'urgent' as never, nowMs: 0 })).message).toBe(
      'priority must be one of critical | high | medium | low, got "urgent"',
    );
    expect(queue.size).toBe(0);
    const pushed = queue.push('a', { priority: 'low', nowMs: 0 });
    if (!pushed.accepted) throw new Error('push refused');
    configError(() => queue.reprioritize(pushed.handle, 'urgent' as never, 1));
    configError(() => queue.reprioritize(pushed.handle, 'high', Number.NaN));
    expect(queue.size).toBe(1);
    expect(queue.pop(2)).toBe('a');
  });

  it('refuses a NaN clock instead of expiring everything', () => {
    const expired: string[] = [];
    const queue = new TaskQueue<string>({ maxDepth: 4, onExpired: (item) => expired.push(item) });
    queue.push('a', { priority: 'low', nowMs: 0, expiresAtMs: 1e9 });
    for (const act of [
      () => queue.pop(Number.NaN),
      () => queue.peek(Number.NaN),
      () => queue.expireDue(Number.NaN),
    ]) {
      expect(configError(act).message).toBe('nowMs must be a finite number, got NaN');
    }
    expect(expired).toEqual([]);
    expect(queue.size).toBe(1);
  });

  it('refuses a fair-share cost that is negative or not finite', () => {
    const queue = new TaskQueue<string>({ maxDepth: 4, fairShare: {} });
    expect(configError(() => queue.push('a', { priority: 'low', nowMs: 0, cost: Number.NaN })).message).toBe(
      'cost must be a finite number, got NaN',
    );
    expect(configError(() => queue.push('a', { priority: 'low', nowMs: 0, cost: -1 })).message).toBe(
      'cost must be ≥ 0, got -1',
    );
    expect(queue.size).toBe(0);
  });

  it('keeps an entry in its tenant when it is re-prioritized', () => {
    const queue = new TaskQueue<string>({ maxDepth: 10, fairShare: {} });
    const handles = ['a1', 'a2', 'a3'].map((id) =>
      queue.push(id, { priority: 'low', nowMs: 0, tenant: 'a' }),
    );
    queue.push('b1', { priority: 'high', nowMs: 0, tenant: 'b' });
    const first = handles[0];
    if (first === undefined || !first.accepted) throw new Error('push refused');
    queue.reprioritize(first.handle, 'high', 0);
    // a1 competes with b1 as tenant "a": one each before anything else.
    expect(new Set([queue.pop(0), queue.pop(0)])).toEqual(new Set(['a1', 'b1']));
  });

  it('serves a tenant that arrives late its share, not a burst that starves the backlog', () => {
    const queue = new TaskQueue<string>({ maxDepth: 1000, fairShare: {} });
    for (let i = 0; i < 100; i++) queue.push('a', { priority: 'medium', nowMs: 0, tenant: 'a' });
    for (let i = 0; i < 50; i++) queue.pop(0);
    for (let i = 0; i < 10; i++) queue.push('b', { priority: 'medium', nowMs: 1, tenant: 'b' });
    const next = Array.from({ length: 10 }, () => queue.pop(1));
    expect(next.filter((tenant) => tenant === 'a').length).toBeGreaterThanOrEqual(4);
  });
});

describe('SlotAllocator generations', () => {
  it('still recognizes a stale handle after 2^21 + 1 reuses of the same slot', () => {
    const slots = new SlotAllocator();
    const stale = slots.handleOf(slots.allocate());
    slots.release(0);
    for (let i = 0; i < 2 ** 21; i++) slots.release(slots.allocate());
    const fresh = slots.allocate();
    expect(fresh).toBe(0);
    expect(slots.slotOf(stale)).toBe(-1);
    expect(slots.handleOf(fresh)).not.toBe(stale);
  });
});
