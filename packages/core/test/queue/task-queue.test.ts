import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isConfigError } from '../../src/errors/config-error.js';
import { TaskQueue, type QueueHandle } from '../../src/queue/task-queue.js';
import type { OverflowPolicy } from '../../src/queue/options.js';
import { PRIORITIES, priorityLevel, type Priority } from '../../src/task/priority.js';

/** The reference the queue is checked against: a plain array, sorted and filtered on every question. */
interface ModelEntry {
  id: number;
  level: number;
  sequence: number;
  enqueuedAtMs: number;
  expiresAtMs: number;
}

class ModelQueue {
  entries: ModelEntry[] = [];
  private sequence = 0;
  expired: number[] = [];

  constructor(
    readonly maxDepth: number,
    readonly overflow: OverflowPolicy,
    readonly agingMs: number | undefined,
  ) {}

  push(id: number, level: number, nowMs: number, expiresAtMs: number): { accepted: boolean; shed?: number } {
    let shed: number | undefined;
    if (this.entries.length >= this.maxDepth) this.expire(nowMs);
    if (this.entries.length >= this.maxDepth) {
      const lowest = Math.max(...this.entries.map((e) => e.level));
      if (this.overflow === 'reject-new' || level > lowest) return { accepted: false };
      const victim = this.entries
        .filter((e) => e.level === lowest)
        .sort((a, b) => a.sequence - b.sequence)[0] as ModelEntry;
      this.entries = this.entries.filter((e) => e !== victim);
      shed = victim.id;
    }
    this.entries.push({ id, level, sequence: this.sequence++, enqueuedAtMs: nowMs, expiresAtMs });
    return shed === undefined ? { accepted: true } : { accepted: true, shed };
  }

  expire(nowMs: number): void {
    const due = this.entries
      .filter((e) => e.expiresAtMs <= nowMs)
      .sort((a, b) => a.expiresAtMs - b.expiresAtMs || a.sequence - b.sequence);
    this.expired.push(...due.map((e) => e.id));
    this.entries = this.entries.filter((e) => e.expiresAtMs > nowMs);
  }

  pop(nowMs: number): number | undefined {
    this.expire(nowMs);
    const key = (e: ModelEntry): number =>
      this.agingMs === undefined ? e.level : e.enqueuedAtMs + e.level * this.agingMs;
    const next = [...this.entries].sort((a, b) => key(a) - key(b) || a.sequence - b.sequence)[0];
    if (next === undefined) return undefined;
    this.entries = this.entries.filter((e) => e !== next);
    return next.id;
  }

  remove(id: number): boolean {
    const before = this.entries.length;
    this.entries = this.entries.filter((e) => e.id !== id);
    return this.entries.length < before;
  }
}

type Op =
  | { kind: 'push'; priority: Priority; ttlMs: number | undefined }
  | { kind: 'pop' }
  | { kind: 'advance'; ms: number }
  | { kind: 'remove'; pick: number }
  | { kind: 'reprioritize'; pick: number; priority: Priority };

const priorityArb = fc.constantFrom(...PRIORITIES);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('push' as const),
      priority: priorityArb,
      ttlMs: fc.option(fc.integer({ min: 1, max: 50 }), { nil: undefined }),
    }),
  },
  { weight: 3, arbitrary: fc.constant({ kind: 'pop' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 20 }) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('reprioritize' as const),
      pick: fc.nat(),
      priority: priorityArb,
    }),
  },
);

function checkAgainstModel(
  ops: Op[],
  maxDepth: number,
  overflow: OverflowPolicy,
  agingMs: number | undefined,
): void {
  const expired: number[] = [];
  const queue = new TaskQueue<number>({
    maxDepth,
    overflow,
    ...(agingMs === undefined ? {} : { agingMs }),
    onExpired: (id) => expired.push(id),
  });
  const model = new ModelQueue(maxDepth, overflow, agingMs);
  const handles = new Map<number, QueueHandle>();
  let nowMs = 0;
  let nextId = 0;
  for (const op of ops) {
    switch (op.kind) {
      case 'push': {
        const id = nextId++;
        const expiresAtMs = op.ttlMs === undefined ? Number.POSITIVE_INFINITY : nowMs + op.ttlMs;
        const expected = model.push(id, priorityLevel(op.priority), nowMs, expiresAtMs);
        const result = queue.push(id, { priority: op.priority, nowMs, expiresAtMs });
        expect(result.accepted).toBe(expected.accepted);
        if (result.accepted) {
          handles.set(id, result.handle);
          expect(result.shed).toBe(expected.shed);
        }
        break;
      }
      case 'pop':
        expect(queue.pop(nowMs)).toBe(model.pop(nowMs));
        break;
      case 'advance':
        nowMs += op.ms;
        break;
      case 'remove': {
        const ids = [...handles.keys()];
        const id = ids[op.pick % Math.max(1, ids.length)];
        if (id === undefined) break;
        const inModel = model.remove(id);
        expect(queue.remove(handles.get(id) as number)).toBe(inModel ? id : undefined);
        break;
      }
      case 'reprioritize': {
        const live = model.entries.map((e) => e.id);
        const id = live[op.pick % Math.max(1, live.length)];
        if (id === undefined) break;
        const entry = model.entries.find((e) => e.id === id) as ModelEntry;
        model.remove(id);
        model.push(id, priorityLevel(op.priority), nowMs, entry.expiresAtMs);
        const handle = queue.reprioritize(handles.get(id) as number, op.priority, nowMs);
        expect(handle).toBeDefined();
        handles.set(id, handle as number);
        break;
      }
    }
    expect(queue.size).toBe(model.entries.length);
    expect(queue.size).toBeLessThanOrEqual(maxDepth);
    // Both expire lazily: on pop, and on a push that finds the queue full.
    expect(expired).toEqual(model.expired);
  }
  // Draining hands out everything left, in order, and never an entry past its expiry.
  queue.expireDue(nowMs);
  model.expire(nowMs);
  expect(expired).toEqual(model.expired);
  const rest: number[] = [];
  for (let id = queue.pop(nowMs); id !== undefined; id = queue.pop(nowMs)) rest.push(id);
  const modelRest: number[] = [];
  for (let id = model.pop(nowMs); id !== undefined; id = model.pop(nowMs)) modelRest.push(id);
  expect(rest).toEqual(modelRest);
}

describe('TaskQueue', () => {
  it('matches the reference model in strict-priority mode (priority, FIFO, bound, expiry, overflow)', () => {
    fc.assert(
      fc.property(
        fc.array(opArb, { maxLength: 120 }),
        fc.integer({ min: 1, max: 12 }),
        fc.constantFrom<OverflowPolicy>('reject-new', 'shed-oldest-lowest'),
        (ops, maxDepth, overflow) => checkAgainstModel(ops, maxDepth, overflow, undefined),
      ),
    );
  });

  it('matches the reference model with aging', () => {
    fc.assert(
      fc.property(
        fc.array(opArb, { maxLength: 120 }),
        fc.integer({ min: 1, max: 12 }),
        fc.constantFrom<OverflowPolicy>('reject-new', 'shed-oldest-lowest'),
        fc.integer({ min: 1, max: 30 }),
        (ops, maxDepth, overflow, agingMs) => checkAgainstModel(ops, maxDepth, overflow, agingMs),
      ),
    );
  });

  it('offer answers a handle or -1, and the entry it shed once through takeShed', () => {
    const queue = new TaskQueue<string>({ maxDepth: 1, overflow: 'shed-oldest-lowest' });
    const first = queue.offer('medium', { priority: 'medium', nowMs: 0 });
    expect(first).toBeGreaterThanOrEqual(0);
    expect(queue.takeShed()).toBeUndefined();
    expect(queue.offer('lower', { priority: 'low', nowMs: 1 })).toBe(-1);
    const second = queue.offer('urgent', { priority: 'critical', nowMs: 2 });
    expect(second).toBeGreaterThanOrEqual(0);
    expect(queue.takeShed()).toBe('medium');
    expect(queue.takeShed()).toBeUndefined();
    expect(queue.remove(first)).toBeUndefined();
    expect(queue.remove(second)).toBe('urgent');
  });

  it('passes through only when empty and without fair share', () => {
    const strict = new TaskQueue<string>({ maxDepth: 10 });
    expect(strict.passesThrough).toBe(true);
    const handle = strict.offer('a', { priority: 'low', nowMs: 0 });
    expect(strict.passesThrough).toBe(false);
    strict.remove(handle);
    expect(strict.passesThrough).toBe(true);
    expect(new TaskQueue<string>({ maxDepth: 10, agingMs: 100 }).passesThrough).toBe(true);
    expect(new TaskQueue<string>({ maxDepth: 10, fairShare: {} }).passesThrough).toBe(false);
  });

  it('never hands out a lower priority while a higher one waits, and is FIFO within a priority', () => {
    fc.assert(
      fc.property(fc.array(priorityArb, { minLength: 1, maxLength: 200 }), (priorities) => {
        const queue = new TaskQueue<{ level: number; order: number }>({ maxDepth: 1000 });
        priorities.forEach((p, order) =>
          queue.push({ level: priorityLevel(p), order }, { priority: p, nowMs: 0 }),
        );
        let previous = { level: -1, order: -1 };
        for (let item = queue.pop(0); item !== undefined; item = queue.pop(0)) {
          expect(item.level).toBeGreaterThanOrEqual(previous.level);
          if (item.level === previous.level) expect(item.order).toBeGreaterThan(previous.order);
          previous = item;
        }
      }),
    );
  });

  it('with aging, a long-waiting low-priority task overtakes newly arrived urgent ones', () => {
    const queue = new TaskQueue<string>({ maxDepth: 10, agingMs: 100 });
    queue.push('old-low', { priority: 'low', nowMs: 0 });
    queue.push('new-critical', { priority: 'critical', nowMs: 301 });
    expect(queue.pop(301)).toBe('old-low');
    const strict = new TaskQueue<string>({ maxDepth: 10 });
    strict.push('old-low', { priority: 'low', nowMs: 0 });
    strict.push('new-critical', { priority: 'critical', nowMs: 301 });
    expect(strict.pop(301)).toBe('new-critical');
  });

  it('gives backlogged tenants service proportional to their weights (start-time fair queueing bound)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.boolean(), { minLength: 20, maxLength: 200 }),
        (weightA, weightB, arrivalOrder) => {
          const queue = new TaskQueue<string>({
            maxDepth: 1000,
            fairShare: { weights: { a: weightA, b: weightB } },
          });
          // Both tenants backlogged from the start, in an arbitrary arrival interleaving.
          const total = { a: 0, b: 0 };
          for (const isA of arrivalOrder) {
            const tenant = isA ? 'a' : 'b';
            total[tenant]++;
            queue.push(tenant, { priority: 'medium', nowMs: 0, tenant });
          }
          const served = { a: 0, b: 0 };
          for (let tenant = queue.pop(0); tenant !== undefined; tenant = queue.pop(0)) {
            served[tenant as 'a' | 'b']++;
            if (served.a < total.a && served.b < total.b) {
              // While both still have work queued, normalized service differs by at most one entry each.
              expect(Math.abs(served.a / weightA - served.b / weightB)).toBeLessThanOrEqual(
                1 / weightA + 1 / weightB + 1e-9,
              );
            }
          }
          expect(served).toEqual(total);
        },
      ),
    );
  });

  it('expires entries without handing them out and reports each exactly once', () => {
    const expired: string[] = [];
    const queue = new TaskQueue<string>({ maxDepth: 10, onExpired: (item) => expired.push(item) });
    queue.push('a', { priority: 'high', nowMs: 0, expiresAtMs: 10 });
    queue.push('b', { priority: 'low', nowMs: 0, expiresAtMs: 100 });
    expect(queue.nextExpiryMs()).toBe(10);
    expect(queue.pop(10)).toBe('b');
    expect(expired).toEqual(['a']);
    expect(queue.pop(10)).toBeUndefined();
    expect(queue.nextExpiryMs()).toBe(Number.POSITIVE_INFINITY);
  });

  it('ignores stale handles after an entry left, even when its slot is reused', () => {
    const queue = new TaskQueue<string>({ maxDepth: 2 });
    const first = queue.push('a', { priority: 'medium', nowMs: 0 });
    expect(queue.pop(0)).toBe('a');
    queue.push('b', { priority: 'medium', nowMs: 0 });
    expect(first.accepted && queue.remove(first.handle)).toBeUndefined();
    expect(queue.size).toBe(1);
  });

  it('rejects invalid options with the field and value named', () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ maxDepth: 0 }, 'maxDepth must be ≥ 1, got 0'],
      [{ maxDepth: 1.5 }, 'maxDepth must be an integer, got 1.5'],
      [
        { maxDepth: 5, overflow: 'drop' },
        'overflow must be one of reject-new | shed-oldest-lowest, got "drop"',
      ],
      [{ maxDepth: 5, agingMs: -1 }, 'agingMs must be a finite number > 0, got -1'],
      [{ maxDepth: 5, agingMs: 10, fairShare: {} }, 'agingMs must be unset when fairShare is set'],
      [
        { maxDepth: 5, fairShare: { weights: { a: 0 } } },
        'fairShare.weights.a must be a finite number > 0, got 0',
      ],
    ];
    for (const [options, message] of cases) {
      let caught: unknown;
      try {
        new TaskQueue(options as never);
      } catch (error) {
        caught = error;
      }
      expect(isConfigError(caught)).toBe(true);
      expect((caught as Error).message).toContain(message);
    }
  });
});
