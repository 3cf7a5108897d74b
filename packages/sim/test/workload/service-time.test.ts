import { isConfigError } from '@flotilla/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tokenServiceTime } from '../../src/workload/service-time.js';

describe('tokenServiceTime', () => {
  it('is base + perOutputToken × outputTokens + perInputToken × inputTokens', () => {
    const model = tokenServiceTime({ baseMs: 200, perOutputTokenMs: 20, perInputTokenMs: 0.1 });
    expect(model.kind).toBe('tokens');
    expect(model.serviceMs({ type: 'llm', priority: 'medium', inputTokens: 1000, outputTokens: 211 })).toBe(
      4520,
    );
    expect(
      tokenServiceTime({ baseMs: 5, perOutputTokenMs: 2 }).serviceMs({
        type: 'llm',
        priority: 'low',
        inputTokens: 1_000_000,
        outputTokens: 3,
      }),
    ).toBe(11);
  });

  it('counts a missing size as 0 tokens', () => {
    const model = tokenServiceTime({ baseMs: 7, perOutputTokenMs: 1, perInputTokenMs: 1 });
    expect(model.serviceMs({ type: 'worker', priority: 'high' })).toBe(7);
  });

  it('is finite, ≥ 0 and non-decreasing in both sizes', () => {
    const count = fc.integer({ min: 0, max: 1_000_000 });
    const coefficient = fc.double({ min: 0, max: 1_000, noNaN: true });
    fc.assert(
      fc.property(
        coefficient,
        coefficient,
        coefficient,
        count,
        count,
        count,
        (a, b, c, input, output, extra) => {
          const model = tokenServiceTime({ baseMs: a, perOutputTokenMs: b, perInputTokenMs: c });
          const at = (inputTokens: number, outputTokens: number) =>
            model.serviceMs({ type: 't', priority: 'low', inputTokens, outputTokens });
          expect(Number.isFinite(at(input, output)) && at(input, output) >= 0).toBe(true);
          expect(at(input + extra, output)).toBeGreaterThanOrEqual(at(input, output));
          expect(at(input, output + extra)).toBeGreaterThanOrEqual(at(input, output));
        },
      ),
    );
  });

  it('rejects a negative or missing coefficient, naming it', () => {
    const messageOf = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        if (isConfigError(error)) return error.message;
      }
      return 'no ConfigError';
    };
    expect(messageOf(() => tokenServiceTime({ baseMs: -1, perOutputTokenMs: 1 }, 'agents[0].service'))).toBe(
      'agents[0].service.baseMs must be ≥ 0, got -1',
    );
    expect(messageOf(() => tokenServiceTime({ baseMs: 0 } as never))).toBe(
      'perOutputTokenMs must be a finite number, got undefined',
    );
  });
});
