import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isConfigError } from '../../src/errors/config-error.js';
import { AdmissionController } from '../../src/admission/admission-controller.js';
import {
  initialAdmissionState,
  resolveAdmissionOptions,
  type AdmissionControllerOptions,
} from '../../src/admission/admission-options.js';
import { admissionTransition } from '../../src/admission/admission-transition.js';
import { PRIORITIES, type Priority } from '../../src/task/priority.js';

const optionsArb: fc.Arbitrary<AdmissionControllerOptions> = fc
  .record({
    maxQueueDepth: fc.integer({ min: 1, max: 40 }),
    highFraction: fc.double({ min: 0, max: 1, noNaN: true }),
    lowFraction: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
    maxConcurrency: fc.oneof(fc.integer({ min: 1, max: 8 }), fc.constant(Number.POSITIVE_INFINITY)),
    shed: fc.option(fc.subarray([...PRIORITIES]), { nil: undefined }),
  })
  .map(({ maxQueueDepth, highFraction, lowFraction, maxConcurrency, shed }) => {
    const highWatermark = Math.max(1, Math.ceil(highFraction * maxQueueDepth));
    const lowWatermark = Math.floor(lowFraction * highWatermark);
    return {
      maxQueueDepth,
      maxConcurrency,
      highWatermark,
      lowWatermark,
      ...(shed === undefined ? {} : { shedPriorities: shed }),
    };
  });

/** Depths as a random walk with occasional jumps, so both watermarks get crossed back and forth. */
const depthsArb = (maxQueueDepth: number): fc.Arbitrary<number[]> =>
  fc
    .array(
      fc.oneof(
        { weight: 6, arbitrary: fc.integer({ min: -3, max: 3 }).map((delta) => ({ delta })) },
        { weight: 1, arbitrary: fc.integer({ min: 0, max: maxQueueDepth + 3 }).map((depth) => ({ depth })) },
      ),
      { maxLength: 150 },
    )
    .map((moves) => {
      let depth = 0;
      return moves.map((move) => (depth = 'depth' in move ? move.depth : Math.max(0, depth + move.delta)));
    });

/**
 * The hysteresis stated declaratively: backpressure after step i exactly when some earlier-or-equal step j
 * reached the high watermark and every step after j stayed above the low watermark.
 */
function modelBackpressure(depths: readonly number[], i: number, high: number, low: number): boolean {
  for (let j = i; j >= 0; j--) {
    if ((depths[j] as number) <= low) return false;
    if ((depths[j] as number) >= high) return true;
  }
  return false;
}

const priorityArb = fc.constantFrom<Priority>(...PRIORITIES);

describe('AdmissionController', () => {
  it('is in backpressure exactly when the hysteresis model says so, and reports exactly the crossings', () => {
    fc.assert(
      fc.property(
        optionsArb.chain((options) => fc.tuple(fc.constant(options), depthsArb(options.maxQueueDepth))),
        ([options, depths]) => {
          const admission = new AdmissionController(options);
          let previous = false;
          depths.forEach((depth, i) => {
            const changed = admission.onDepthChanged(depth);
            const expected = modelBackpressure(depths, i, options.highWatermark, options.lowWatermark);
            expect(admission.mode).toBe(expected ? 'backpressure' : 'accepting');
            expect(changed).toBe(expected !== previous);
            previous = expected;
          });
        },
      ),
    );
  });

  it('refuses everything at maxQueueDepth, sheds only shed priorities under backpressure, admits the rest', () => {
    fc.assert(
      fc.property(
        optionsArb.chain((options) =>
          fc.tuple(
            fc.constant(options),
            depthsArb(options.maxQueueDepth),
            fc.array(fc.tuple(priorityArb, fc.integer({ min: 0, max: 10 })), {
              minLength: 150,
              maxLength: 150,
            }),
          ),
        ),
        ([options, depths, requests]) => {
          const admission = new AdmissionController(options);
          const shed: readonly Priority[] = options.shedPriorities ?? ['low'];
          depths.forEach((depth, i) => {
            admission.onDepthChanged(depth);
            const [priority, inFlight] = requests[i] as [Priority, number];
            const decision = admission.admit(priority, depth, inFlight);
            const startsAtOnce = depth === 0 && inFlight < options.maxConcurrency;
            if (depth >= options.maxQueueDepth) {
              expect(decision).toEqual({ admitted: false, reason: 'backpressure' });
            } else if (!shed.includes(priority)) {
              expect(decision).toEqual({ admitted: true });
            } else {
              const refused = admission.mode === 'backpressure' && !startsAtOnce;
              expect(decision).toEqual(
                refused ? { admitted: false, reason: 'backpressure' } : { admitted: true },
              );
            }
            expect(admission.canStart(inFlight)).toBe(inFlight < options.maxConcurrency);
          });
        },
      ),
    );
  });

  it('walks a typical cycle', () => {
    const admission = new AdmissionController({
      maxQueueDepth: 10,
      maxConcurrency: 2,
      highWatermark: 8,
      lowWatermark: 3,
      shedPriorities: ['low', 'medium'],
    });
    expect(admission.onDepthChanged(7)).toBe(false);
    expect(admission.admit('low', 7, 2)).toEqual({ admitted: true });
    expect(admission.onDepthChanged(8)).toBe(true);
    expect(admission.mode).toBe('backpressure');
    expect(admission.admit('medium', 8, 2)).toEqual({ admitted: false, reason: 'backpressure' });
    expect(admission.admit('high', 9, 2)).toEqual({ admitted: true });
    expect(admission.admit('critical', 10, 2)).toEqual({ admitted: false, reason: 'backpressure' });
    expect(admission.onDepthChanged(9)).toBe(false);
    expect(admission.onDepthChanged(4)).toBe(false);
    expect(admission.mode).toBe('backpressure');
    expect(admission.onDepthChanged(3)).toBe(true);
    expect(admission.admit('low', 3, 2)).toEqual({ admitted: true });
    admission.restore('backpressure');
    expect(admission.state).toEqual({ mode: 'backpressure', highWatermark: 8, lowWatermark: 3 });
  });

  it('refuses bad counts on the hot path, naming them', () => {
    const admission = new AdmissionController({
      maxQueueDepth: 10,
      maxConcurrency: 2,
      highWatermark: 8,
      lowWatermark: 3,
    });
    expect(() => admission.onDepthChanged(Number.NaN)).toThrow(expect.objectContaining({ field: 'depth' }));
    expect(() => admission.admit('low', -1, 0)).toThrow(expect.objectContaining({ field: 'queueDepth' }));
    expect(() => admission.admit('low', 0, 0.5)).toThrow(expect.objectContaining({ field: 'inFlight' }));
    expect(() => admission.restore('paused' as never)).toThrow(expect.objectContaining({ field: 'mode' }));
    expect(admission.mode).toBe('accepting');
  });
});

describe('admissionTransition', () => {
  it('returns the same state object unless a watermark is crossed', () => {
    const accepting = initialAdmissionState({
      maxQueueDepth: 10,
      maxConcurrency: 1,
      highWatermark: 6,
      lowWatermark: 2,
    });
    expect(admissionTransition(accepting, 5)).toBe(accepting);
    const backpressure = admissionTransition(accepting, 6);
    expect(backpressure).toEqual({ mode: 'backpressure', highWatermark: 6, lowWatermark: 2 });
    expect(admissionTransition(backpressure, 3)).toBe(backpressure);
    expect(admissionTransition(backpressure, 10)).toBe(backpressure);
    expect(admissionTransition(backpressure, 2)).toEqual(accepting);
    expect(accepting.mode).toBe('accepting');
  });
});

describe('resolveAdmissionOptions', () => {
  const valid: AdmissionControllerOptions = {
    maxQueueDepth: 100,
    maxConcurrency: 8,
    highWatermark: 80,
    lowWatermark: 40,
  };

  it('applies the default shed priorities and removes duplicates', () => {
    expect(resolveAdmissionOptions(valid).shedPriorities).toEqual(['low']);
    expect(
      resolveAdmissionOptions({ ...valid, shedPriorities: ['low', 'medium', 'low'] }).shedPriorities,
    ).toEqual(['low', 'medium']);
    expect(
      resolveAdmissionOptions({ ...valid, maxConcurrency: Number.POSITIVE_INFINITY }).maxConcurrency,
    ).toBe(Number.POSITIVE_INFINITY);
  });

  it.each<[Partial<Record<keyof AdmissionControllerOptions, unknown>>, string, unknown]>([
    [{ maxQueueDepth: 0 }, 'maxQueueDepth', 0],
    [{ maxQueueDepth: 2.5 }, 'maxQueueDepth', 2.5],
    [{ maxQueueDepth: Number.POSITIVE_INFINITY }, 'maxQueueDepth', Number.POSITIVE_INFINITY],
    [{ maxConcurrency: 0 }, 'maxConcurrency', 0],
    [{ highWatermark: 101 }, 'highWatermark', 101],
    [{ highWatermark: 0, lowWatermark: 0 }, 'highWatermark', 0],
    [{ lowWatermark: 80 }, 'lowWatermark', 80],
    [{ lowWatermark: 90 }, 'lowWatermark', 90],
    [{ lowWatermark: -1 }, 'lowWatermark', -1],
    [{ shedPriorities: 'low' }, 'shedPriorities', 'low'],
    [{ shedPriorities: ['low', 'urgent'] }, 'shedPriorities[1]', 'urgent'],
  ])('throws a ConfigError for %o naming %s and its value', (patch, field, value) => {
    let caught: unknown;
    try {
      resolveAdmissionOptions({ ...valid, ...patch } as AdmissionControllerOptions);
    } catch (error) {
      caught = error;
    }
    expect(isConfigError(caught)).toBe(true);
    expect(caught).toMatchObject({ field, value });
    expect((caught as Error).message).toContain(field);
  });
});
