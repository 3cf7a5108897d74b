import { ConfigError, VirtualClock } from '@flotilla/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createActor, toPromise } from 'xstate';
import {
  fanOut,
  mapReduce,
  pipeline,
  supervisorMachine,
  validatePlan,
  type Delegate,
  type Plan,
  type SupervisorOutput,
} from '../../src/supervisor/index.js';
import { toXStateClock } from '../../src/machines/xstate-clock.js';

/** Runs a plan against a delegate that answers at once. */
async function run(plan: Plan, delegate: Delegate): Promise<SupervisorOutput> {
  const actor = createActor(supervisorMachine, {
    input: { plan, delegate },
    clock: toXStateClock(new VirtualClock()),
  });
  actor.start();
  return toPromise(actor);
}

describe('pipeline', () => {
  it('chains the stages, each fed the previous result', async () => {
    const plan = pipeline([
      { type: 'fetch', input: 'doc' },
      { type: 'upper' },
      {
        type: 'wrap',
        input: (previous: unknown) => `[${String(previous)}]`,
        priority: 'high',
        onFailure: { retry: 1 },
      },
    ]);
    expect(validatePlan(plan)).toBe(plan);
    expect(plan.steps.map((s) => [s.id, s.dependsOn])).toEqual([
      ['stage-0', undefined],
      ['stage-1', ['stage-0']],
      ['stage-2', ['stage-1']],
    ]);
    expect(plan.steps[2]).toMatchObject({ priority: 'high', onFailure: { retry: 1 } });
    const payloads: unknown[] = [];
    const out = await run(plan, async (request) => {
      payloads.push(request.input);
      return request.type === 'fetch'
        ? 'text'
        : request.type === 'upper'
          ? String(request.input).toUpperCase()
          : request.input;
    });
    expect(payloads).toEqual(['doc', 'text', '[TEXT]']);
    expect(out).toMatchObject({ status: 'done', result: '[TEXT]' });
  });

  it('takes custom ids and an explicit undefined input', () => {
    const plan = pipeline([
      { id: 'x', type: 'a' },
      { id: 'y', type: 'b', input: undefined },
    ]);
    expect(plan.steps[1]).toMatchObject({ id: 'y', dependsOn: ['x'], input: undefined });
  });

  it('refuses no stages or a stage without a type', () => {
    expect(() => pipeline([])).toThrow(ConfigError);
    expect(() => pipeline([{ type: '' }])).toThrow('stages[0].type must be a non-empty string, got ""');
  });
});

describe('fanOut', () => {
  it('runs one step per item at once and fans in their results in item order', async () => {
    const plan = fanOut([3, 1, 2], 'square', {
      timeoutMs: 50,
      synthesize: { type: 'sum', input: (rs) => ({ rs }) },
    });
    expect(plan.steps.map((s) => s.dependsOn)).toEqual([undefined, undefined, undefined]);
    expect(plan.steps[0]).toMatchObject({ id: 'item-0', type: 'square', input: 3, timeoutMs: 50 });
    let concurrent = 0;
    let maxConcurrent = 0;
    const out = await run(plan, async (request) => {
      if (request.type === 'sum') return (request.input as { rs: number[] }).rs.reduce((a, b) => a + b, 0);
      concurrent++;
      maxConcurrent = Math.max(maxConcurrent, concurrent);
      await Promise.resolve();
      concurrent--;
      return (request.input as number) ** 2;
    });
    expect(maxConcurrent).toBe(3);
    expect(out).toEqual({ status: 'done', result: 14, results: { 'item-0': 9, 'item-1': 1, 'item-2': 4 } });
  });

  it('passes the results array itself without a synthesize input, and works without synthesize', async () => {
    const echo: Delegate = async (request) => request.input;
    expect(await run(fanOut(['a', 'b'], 't', { synthesize: { type: 's' } }), echo)).toMatchObject({
      result: ['a', 'b'],
    });
    const plain = fanOut(['a', 'b'], 't');
    expect(plain.synthesize).toBeUndefined();
    expect(await run(plain, echo)).toMatchObject({ result: 'b', results: { 'item-0': 'a', 'item-1': 'b' } });
  });

  it('refuses an empty item list', () => {
    expect(() => fanOut([], 't')).toThrow('items must be a non-empty array, got []');
  });
});

describe('mapReduce', () => {
  it('maps every chunk, then reduces all results in chunk order', async () => {
    const plan = mapReduce(['a', 'bb', 'ccc'], 'len', 'sum');
    expect(plan.steps.map((s) => s.id)).toEqual(['map-0', 'map-1', 'map-2']);
    const out = await run(plan, async (request) =>
      request.type === 'len'
        ? String(request.input).length
        : (request.input as number[]).reduce((a, b) => a + b, 0),
    );
    expect(out).toMatchObject({ status: 'done', result: 6 });
  });

  it('reduces in a tree when there are more results than fanIn, every reduce bounded by fanIn', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 2, max: 5 }),
        async (chunks, fanIn) => {
          const plan = mapReduce(chunks, 'double', 'sum', { fanIn });
          validatePlan(plan);
          let largestReduce = 0;
          const out = await run(plan, async (request) => {
            if (request.type === 'double') return (request.input as number) * 2;
            const parts = request.input as number[];
            largestReduce = Math.max(largestReduce, parts.length);
            return parts.reduce((a, b) => a + b, 0);
          });
          expect(out).toMatchObject({ status: 'done', result: 2 * chunks.reduce((a, b) => a + b, 0) });
          expect(largestReduce).toBeLessThanOrEqual(fanIn);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('names the reduce levels and refuses a bad fanIn', () => {
    const plan = mapReduce([1, 2, 3, 4, 5], 'm', 'r', { fanIn: 2 });
    expect(plan.steps.map((s) => s.id)).toEqual([
      'map-0',
      'map-1',
      'map-2',
      'map-3',
      'map-4',
      'reduce-1-0',
      'reduce-1-1',
      'reduce-1-2',
      'reduce-2-0',
      'reduce-2-1',
    ]);
    expect(() => mapReduce([1], 'm', 'r', { fanIn: 1 })).toThrow('fanIn must be ≥ 2, got 1');
    expect(() => mapReduce([1], '', 'r')).toThrow('mapType must be a non-empty string');
  });
});
