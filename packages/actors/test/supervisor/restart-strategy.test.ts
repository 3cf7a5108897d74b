import { ConfigError } from '@flotilla/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createRestartStrategy,
  type RestartStrategyOptions,
  type RestartStrategyState,
} from '../../src/supervisor/index.js';

describe('createRestartStrategy', () => {
  it('one-for-one restarts the failed child only', () => {
    const strategy = createRestartStrategy({
      strategy: 'one-for-one',
      maxRestarts: 3,
      withinMs: 1000,
      backoffMs: 10,
    });
    strategy.register('a');
    strategy.register('b');
    expect(strategy.onChildFailed('b', 0)).toEqual({ action: 'restart', childIds: ['b'], delayMs: 10 });
  });

  it('one-for-all restarts every registered child, in registration order', () => {
    const strategy = createRestartStrategy({
      strategy: 'one-for-all',
      maxRestarts: 3,
      withinMs: 1000,
      backoffMs: 10,
    });
    for (const id of ['a', 'b', 'c', 'b']) strategy.register(id);
    strategy.unregister('a');
    strategy.unregister('nobody');
    expect(strategy.children()).toEqual(['b', 'c']);
    expect(strategy.onChildFailed('c', 0)).toEqual({ action: 'restart', childIds: ['b', 'c'], delayMs: 10 });
  });

  it('escalates on more than maxRestarts within withinMs; backoff doubles within the window, capped', () => {
    const strategy = createRestartStrategy({
      strategy: 'one-for-one',
      maxRestarts: 4,
      withinMs: 1000,
      backoffMs: 100,
      maxBackoffMs: 300,
    });
    strategy.register('a');
    expect([0, 10, 20, 30].map((t) => strategy.onChildFailed('a', t))).toEqual([
      { action: 'restart', childIds: ['a'], delayMs: 100 },
      { action: 'restart', childIds: ['a'], delayMs: 200 },
      { action: 'restart', childIds: ['a'], delayMs: 300 },
      { action: 'restart', childIds: ['a'], delayMs: 300 },
    ]);
    expect(strategy.onChildFailed('a', 999)).toEqual({ action: 'escalate' });
    // OTP's window: a restart exactly withinMs ago still counts, and so does the escalation at 999.
    expect(strategy.onChildFailed('a', 1000)).toEqual({ action: 'escalate' });
    // At 1031 only the failures at 999 and 1000 remain within 1000 ms: room again, backoff 100 · 2², capped.
    expect(strategy.onChildFailed('a', 1031)).toEqual({ action: 'restart', childIds: ['a'], delayMs: 300 });
    // Long quiet: the window empties and the backoff starts over.
    expect(strategy.onChildFailed('a', 10_000)).toEqual({ action: 'restart', childIds: ['a'], delayMs: 100 });
  });

  it('maxRestarts 0 escalates at once', () => {
    const strategy = createRestartStrategy({
      strategy: 'one-for-all',
      maxRestarts: 0,
      withinMs: 1,
      backoffMs: 0,
    });
    strategy.register('a');
    expect(strategy.onChildFailed('a', 0)).toEqual({ action: 'escalate' });
  });

  it('round-trips its state through JSON', () => {
    const options: RestartStrategyOptions = {
      strategy: 'one-for-all',
      maxRestarts: 2,
      withinMs: 100,
      backoffMs: 5,
    };
    const strategy = createRestartStrategy(options);
    strategy.register('x');
    strategy.onChildFailed('x', 0);
    const copy = createRestartStrategy(
      options,
      JSON.parse(JSON.stringify(strategy.state())) as RestartStrategyState,
    );
    expect(copy.children()).toEqual(['x']);
    expect(copy.onChildFailed('x', 1)).toEqual(strategy.onChildFailed('x', 1));
    expect(copy.onChildFailed('x', 2)).toEqual({ action: 'escalate' });
  });

  it('refuses bad options, an unregistered child or a bad time, naming the field', () => {
    const base: RestartStrategyOptions = {
      strategy: 'one-for-one',
      maxRestarts: 1,
      withinMs: 1,
      backoffMs: 1,
    };
    const cases: Array<[Partial<RestartStrategyOptions>, string]> = [
      [{ strategy: 'rest-for-one' as never }, 'strategy'],
      [{ maxRestarts: -1 }, 'maxRestarts'],
      [{ maxRestarts: 1.5 }, 'maxRestarts'],
      [{ withinMs: 0 }, 'withinMs'],
      [{ backoffMs: -1 }, 'backoffMs'],
      [{ maxBackoffMs: 0 }, 'maxBackoffMs'],
    ];
    for (const [patch, field] of cases) {
      expect(() => createRestartStrategy({ ...base, ...patch })).toThrow(
        expect.objectContaining({ field }) as Error,
      );
    }
    const strategy = createRestartStrategy(base);
    expect(() => strategy.onChildFailed('ghost', 0)).toThrow(ConfigError);
    strategy.register('a');
    expect(() => strategy.onChildFailed('a', Number.NaN)).toThrow('nowMs must be a finite number, got NaN');
    expect(() => strategy.register('')).toThrow(ConfigError);
  });
});

describe('createRestartStrategy properties', () => {
  it('escalates exactly when a restart would make more than maxRestarts within withinMs', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 0, max: 50 }),
        fc.array(fc.integer({ min: 0, max: 400 }), { maxLength: 40 }),
        fc.constantFrom('one-for-one' as const, 'one-for-all' as const),
        (maxRestarts, withinMs, backoffMs, gaps, kind) => {
          const strategy = createRestartStrategy({
            strategy: kind,
            maxRestarts,
            withinMs,
            backoffMs,
            maxBackoffMs: backoffMs * 4,
          });
          strategy.register('a');
          strategy.register('b');
          const restarts: number[] = [];
          let now = 0;
          for (const gap of gaps) {
            now += gap;
            // OTP's rule, shared with the fleet's worker restarts: a failure `withinMs` ago or less counts,
            // and every failure is recorded, escalated or not.
            const inWindow = restarts.filter((t) => now - t <= withinMs);
            const decision = strategy.onChildFailed(gap % 2 === 0 ? 'a' : 'b', now);
            restarts.push(now);
            if (inWindow.length >= maxRestarts) {
              expect(decision).toEqual({ action: 'escalate' });
            } else {
              expect(decision).toEqual({
                action: 'restart',
                childIds: kind === 'one-for-all' ? ['a', 'b'] : [gap % 2 === 0 ? 'a' : 'b'],
                delayMs: Math.min(backoffMs * 4, backoffMs * 2 ** inWindow.length),
              });
            }
          }
        },
      ),
    );
  });
});
