import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isConfigError } from '../../src/errors/config-error.js';
import { Counter } from '../../src/metrics/counter.js';
import { CounterSet } from '../../src/metrics/counter-set.js';

function fieldOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return isConfigError(error) ? error.field : 'not a ConfigError';
  }
  return undefined;
}

const OUTCOMES = ['completed', 'failed', 'expired', 'rejected', 'cancelled'] as const;
type Outcome = (typeof OUTCOMES)[number];

describe('Counter', () => {
  it('counts up and resets', () => {
    const counter = new Counter();
    counter.inc();
    counter.inc(2.5);
    expect(counter.value).toBe(3.5);
    expect(JSON.stringify({ counter })).toBe('{"counter":3.5}');
    counter.reset();
    expect(counter.value).toBe(0);
  });

  it('rejects increments that would break monotonicity, changing nothing', () => {
    const counter = new Counter();
    counter.inc(4);
    for (const n of [-1, Number.NaN, Number.POSITIVE_INFINITY])
      expect(fieldOf(() => counter.inc(n))).toBe('n');
    expect(counter.value).toBe(4);
  });
});

describe('CounterSet', () => {
  it('matches a Map model over any sequence of operations', () => {
    const opArb = fc.oneof(
      fc.record({ kind: fc.constant('inc' as const), name: fc.constantFrom(...OUTCOMES), n: fc.nat(1000) }),
      fc.record({ kind: fc.constant('incAt' as const), name: fc.constantFrom(...OUTCOMES), n: fc.nat(1000) }),
      fc.record({ kind: fc.constant('reset' as const) }),
    );
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 100 }), (ops) => {
        const counters = new CounterSet(OUTCOMES);
        const model = new Map<Outcome, number>(OUTCOMES.map((name) => [name, 0]));
        for (const op of ops) {
          if (op.kind === 'reset') {
            counters.reset();
            for (const name of OUTCOMES) model.set(name, 0);
            continue;
          }
          if (op.kind === 'inc') counters.inc(op.name, op.n);
          else counters.incAt(counters.indexOf(op.name), op.n);
          model.set(op.name, (model.get(op.name) ?? 0) + op.n);
        }
        for (const name of OUTCOMES) expect(counters.get(name)).toBe(model.get(name));
        expect(counters.total()).toBe([...model.values()].reduce((a, b) => a + b, 0));
        expect(counters.toJSON()).toEqual(Object.fromEntries(model));
        expect(Object.keys(counters.toJSON())).toEqual([...OUTCOMES]);
      }),
    );
  });

  it('defaults to an increment of 1', () => {
    const counters = new CounterSet(['a', 'b'] as const);
    counters.inc('a');
    counters.incAt(1);
    expect(counters.toJSON()).toEqual({ a: 1, b: 1 });
  });

  it('rejects bad names, indexes and increments, naming the field', () => {
    expect(fieldOf(() => new CounterSet([]))).toBe('names');
    expect(fieldOf(() => new CounterSet(['a', 'a']))).toBe('names[1]');
    expect(fieldOf(() => new CounterSet(['a', '']))).toBe('names[1]');
    const counters = new CounterSet(['a', 'b']);
    expect(fieldOf(() => counters.inc('c' as 'a'))).toBe('name');
    expect(fieldOf(() => counters.incAt(2))).toBe('index');
    expect(fieldOf(() => counters.incAt(0.5))).toBe('index');
    expect(fieldOf(() => counters.inc('a', -1))).toBe('n');
    expect(counters.total()).toBe(0);
  });
});
