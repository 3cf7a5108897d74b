import { ConfigError } from '@flotilla/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validatePlan, type Plan, type PlanStep } from '../../src/supervisor/index.js';

function configErrorOf(plan: unknown): ConfigError {
  try {
    validatePlan(plan as Plan);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('validatePlan accepted the plan');
}

describe('validatePlan', () => {
  it('returns a valid plan unchanged', () => {
    const plan: Plan = {
      steps: [
        { id: 'a', type: 't', priority: 'high', timeoutMs: 10, onFailure: { retry: 3 } },
        { id: 'b', type: 't', dependsOn: ['a', 'a'], onFailure: 'ignore', input: () => 1 },
      ],
      synthesize: { type: 's', input: (r) => r, priority: 'low', timeoutMs: 5 },
    };
    expect(validatePlan(plan)).toBe(plan);
  });

  it.each([
    ['an empty plan', { steps: [] }, 'steps', []],
    ['a missing steps array', {}, 'steps', undefined],
    ['a step that is not an object', { steps: [42] }, 'steps[0]', 42],
    ['an empty id', { steps: [{ id: '', type: 't' }] }, 'steps[0].id', ''],
    [
      'a duplicate id',
      {
        steps: [
          { id: 'a', type: 't' },
          { id: 'a', type: 'u' },
        ],
      },
      'steps[1].id',
      'a',
    ],
    ['the reserved id', { steps: [{ id: '$synthesize', type: 't' }] }, 'steps[0].id', '$synthesize'],
    ['a missing type', { steps: [{ id: 'a' }] }, 'steps[0].type', undefined],
    [
      'dependsOn not an array',
      { steps: [{ id: 'a', type: 't', dependsOn: 'b' }] },
      'steps[0].dependsOn',
      'b',
    ],
    [
      'an unknown dependency',
      {
        steps: [
          { id: 'a', type: 't' },
          { id: 'b', type: 't', dependsOn: ['a', 'zzz'] },
        ],
      },
      'steps[1].dependsOn[1]',
      'zzz',
    ],
    [
      'a bad priority',
      { steps: [{ id: 'a', type: 't', priority: 'urgent' }] },
      'steps[0].priority',
      'urgent',
    ],
    ['a bad timeout', { steps: [{ id: 'a', type: 't', timeoutMs: 0 }] }, 'steps[0].timeoutMs', 0],
    ['a bad policy', { steps: [{ id: 'a', type: 't', onFailure: 'retry' }] }, 'steps[0].onFailure', 'retry'],
    [
      'a bad retry count',
      { steps: [{ id: 'a', type: 't', onFailure: { retry: 1.5 } }] },
      'steps[0].onFailure.retry',
      1.5,
    ],
    [
      'too many retries',
      { steps: [{ id: 'a', type: 't', onFailure: { retry: 101 } }] },
      'steps[0].onFailure.retry',
      101,
    ],
    [
      'a synthesize without type',
      { steps: [{ id: 'a', type: 't' }], synthesize: {} },
      'synthesize.type',
      undefined,
    ],
    [
      'a synthesize input that is no function',
      { steps: [{ id: 'a', type: 't' }], synthesize: { type: 's', input: 3 } },
      'synthesize.input',
      3,
    ],
  ])('refuses %s, naming the field and the value', (_, plan, field, value) => {
    const error = configErrorOf(plan);
    expect(error.field).toBe(field);
    expect(error.value).toEqual(value);
    expect(error.message).toContain(field);
  });

  it('names the cycle', () => {
    expect(configErrorOf({ steps: [{ id: 'a', type: 't', dependsOn: ['a'] }] }).message).toBe(
      'steps[0].dependsOn must not form a cycle (a → a), got ["a"]',
    );
    expect(
      configErrorOf({
        steps: [
          { id: 'a', type: 't', dependsOn: ['b'] },
          { id: 'b', type: 't', dependsOn: ['a'] },
        ],
      }).message,
    ).toBe('steps[1].dependsOn must not form a cycle (a → b → a), got ["a"]');
    const long = configErrorOf({
      steps: [
        { id: 'x', type: 't' },
        { id: 'a', type: 't', dependsOn: ['x', 'c'] },
        { id: 'b', type: 't', dependsOn: ['a'] },
        { id: 'c', type: 't', dependsOn: ['b'] },
      ],
    });
    expect(long.field).toBe('steps[2].dependsOn');
    expect(long.message).toContain('(a → c → b → a)');
  });

  it('handles a 10,000-stage chain (no recursion depth limit) and abbreviates a long cycle', () => {
    const steps: PlanStep[] = Array.from({ length: 10_000 }, (_, i) => ({
      id: `s${i}`,
      type: 't',
      ...(i === 0 ? {} : { dependsOn: [`s${i - 1}`] }),
    }));
    expect(() => validatePlan({ steps })).not.toThrow();
    steps[0] = { id: 's0', type: 't', dependsOn: ['s9999'] };
    expect(configErrorOf({ steps }).message).toBe(
      'steps[1].dependsOn must not form a cycle (s0 → s9999 → s9998 → s9997 → s9996 → s9995 → s9994 → s9993 → … 9986 more … → s6 → s5 → s4 → s3 → s2 → s1 → s0), got ["s0"]',
    );
  });
});

/** Edges `i → deps` of a random graph on n nodes, as adjacency lists. */
const graphArb = fc
  .integer({ min: 1, max: 10 })
  .chain((n) =>
    fc.array(fc.subarray(Array.from({ length: n }, (_, j) => j)), { minLength: n, maxLength: n }),
  );

function hasCycle(deps: readonly (readonly number[])[]): boolean {
  // Kahn's algorithm: a graph is acyclic iff every node can be peeled off with no remaining dependencies.
  const remaining = deps.map((d) => new Set(d).size);
  const dependents = deps.map(() => [] as number[]);
  deps.forEach((d, i) => new Set(d).forEach((j) => dependents[j]?.push(i)));
  const queue = remaining.flatMap((count, i) => (count === 0 ? [i] : []));
  let peeled = 0;
  while (queue.length > 0) {
    const node = queue.pop() as number;
    peeled++;
    for (const dependent of dependents[node] as number[]) {
      remaining[dependent] = (remaining[dependent] as number) - 1;
      if (remaining[dependent] === 0) queue.push(dependent);
    }
  }
  return peeled < deps.length;
}

describe('validatePlan properties', () => {
  it('rejects exactly the cyclic graphs, naming a real cycle', () => {
    fc.assert(
      fc.property(graphArb, (deps) => {
        const plan: Plan = {
          steps: deps.map((d, i) => ({ id: `n${i}`, type: 't', dependsOn: d.map((j) => `n${j}`) })),
        };
        if (!hasCycle(deps)) {
          expect(() => validatePlan(plan)).not.toThrow();
          return;
        }
        const error = configErrorOf(plan);
        const cycle = /cycle \((.*)\)/.exec(error.message)?.[1]?.split(' → ') ?? [];
        expect(cycle.length).toBeGreaterThanOrEqual(2);
        expect(cycle[0]).toBe(cycle.at(-1));
        for (let k = 0; k + 1 < cycle.length; k++) {
          const from = Number((cycle[k] as string).slice(1));
          const to = Number((cycle[k + 1] as string).slice(1));
          expect(deps[from]).toContain(to);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('rejects every DAG once a back edge closes a cycle', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 12 }).chain((n) =>
          fc.record({
            n: fc.constant(n),
            deps: fc.tuple(
              ...Array.from({ length: n }, (_, i) => fc.subarray(Array.from({ length: i }, (_, j) => j))),
            ),
            path: fc.integer({ min: 1, max: n - 1 }),
          }),
        ),
        ({ deps, path }) => {
          // Ensure a chain path → … → 0 exists, then close it with 0 → path.
          const withChain = deps.map((d, i) => (i >= 1 && i <= path ? [...new Set([...d, i - 1])] : d));
          withChain[0] = [path];
          const plan: Plan = {
            steps: withChain.map((d, i) => ({ id: `n${i}`, type: 't', dependsOn: d.map((j) => `n${j}`) })),
          };
          expect(configErrorOf(plan).message).toMatch(/must not form a cycle \(n\d+( → n\d+)+\)/);
        },
      ),
    );
  });
});
