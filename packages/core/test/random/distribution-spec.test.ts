import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isConfigError } from '../../src/errors/config-error.js';
import { createDistribution, DISTRIBUTION_KINDS, scaled } from '../../src/random/distribution-spec.js';
import type { DistributionSpec } from '../../src/random/distribution-spec.js';
import {
  boundedPareto,
  deterministic,
  empirical,
  erlang,
  exponential,
  gamma,
  hyperexponential,
  hyperexponentialFromCv,
  lognormal,
  normal,
  pareto,
  uniform,
} from '../../src/random/distributions.js';
import type { Distribution } from '../../src/random/distributions.js';
import { createRng } from '../../src/random/rng.js';

const positive = fc.double({ min: 1e-3, max: 1e3, noNaN: true });
const finite = fc.double({ min: -1e3, max: 1e3, noNaN: true });

/** One valid spec of every kind, with generated parameters. */
const specArb: fc.Arbitrary<DistributionSpec> = fc.oneof(
  fc.record({ dist: fc.constant('exponential' as const), mean: positive }),
  fc.record({ dist: fc.constant('deterministic' as const), value: finite }),
  fc.tuple(finite, positive).map(([min, width]) => ({ dist: 'uniform' as const, min, max: min + width })),
  fc.record({ dist: fc.constant('normal' as const), mean: finite, stddev: positive }),
  fc.record({
    dist: fc.constant('lognormal' as const),
    mean: positive,
    cv: fc.double({ min: 0, max: 10, noNaN: true }),
  }),
  fc.record({ dist: fc.constant('gamma' as const), shape: positive, scale: positive }),
  fc.record({ dist: fc.constant('erlang' as const), k: fc.integer({ min: 1, max: 50 }), mean: positive }),
  fc.record({ dist: fc.constant('pareto' as const), alpha: positive, scale: positive }),
  fc
    .tuple(positive, positive, fc.double({ min: 1.01, max: 1e4, noNaN: true }))
    .map(([alpha, min, ratio]) => ({ dist: 'bounded-pareto' as const, alpha, min, max: min * ratio })),
  fc.record({
    dist: fc.constant('hyperexponential' as const),
    mean: positive,
    cv: fc.double({ min: 1, max: 10, noNaN: true }),
  }),
  fc
    .array(fc.tuple(fc.double({ min: 1, max: 10, noNaN: true }), positive), { minLength: 1, maxLength: 4 })
    .map((raw) => {
      const total = raw.reduce((sum, [weight]) => sum + weight, 0);
      const branches = raw.map(([weight, mean]) => ({ probability: weight / total, mean }));
      return { dist: 'hyperexponential' as const, branches };
    }),
  fc.record({
    dist: fc.constant('empirical' as const),
    samples: fc.array(finite, { minLength: 1, maxLength: 20 }),
  }),
);

/** The factory call a spec stands for, written out independently of createDistribution. */
function direct(spec: DistributionSpec): Distribution {
  switch (spec.dist) {
    case 'exponential':
      return exponential({ mean: spec.mean });
    case 'deterministic':
      return deterministic({ value: spec.value });
    case 'uniform':
      return uniform({ min: spec.min, max: spec.max });
    case 'normal':
      return normal({ mean: spec.mean, stddev: spec.stddev });
    case 'lognormal':
      return lognormal({ mean: spec.mean, cv: spec.cv });
    case 'gamma':
      return gamma({ shape: spec.shape, scale: spec.scale });
    case 'erlang':
      return erlang({ k: spec.k, mean: spec.mean });
    case 'pareto':
      return pareto({ alpha: spec.alpha, scale: spec.scale });
    case 'bounded-pareto':
      return boundedPareto({ alpha: spec.alpha, min: spec.min, max: spec.max });
    case 'hyperexponential':
      return 'branches' in spec
        ? hyperexponential({ branches: spec.branches })
        : hyperexponentialFromCv({ mean: spec.mean, cv: spec.cv });
    case 'empirical':
      return empirical({ samples: spec.samples });
  }
}

function samples(dist: Distribution, seed: number, count = 20): number[] {
  const rng = createRng(seed);
  return Array.from({ length: count }, () => dist.sample(rng));
}

function configErrorOf(run: () => unknown): { field: string; message: string } {
  try {
    run();
  } catch (error) {
    if (isConfigError(error)) return error;
    throw error;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

/** For specs that are not valid `DistributionSpec`s, as a parsed config file may hold. */
const create = (spec: unknown, field?: string): Distribution =>
  createDistribution(spec as DistributionSpec, field);

describe('DISTRIBUTION_KINDS', () => {
  it('lists every dist a spec may name, once', () => {
    expect([...DISTRIBUTION_KINDS].sort()).toEqual(
      [
        'bounded-pareto',
        'deterministic',
        'empirical',
        'erlang',
        'exponential',
        'gamma',
        'hyperexponential',
        'lognormal',
        'normal',
        'pareto',
        'uniform',
      ].sort(),
    );
  });
});

/** A distribution's own fields but its sampler. */
function parametersOf(dist: Distribution): Record<string, unknown> {
  return Object.fromEntries(Object.entries(dist).filter(([name]) => name !== 'sample'));
}

describe('createDistribution', () => {
  it('round-trips every kind through JSON to the distribution its factory builds', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(specArb, fc.nat(), (spec, seed) => {
        seen.add(spec.dist);
        // Both sides from the parsed spec: JSON turns -0 into 0, and a config file holds what JSON holds.
        const parsed = JSON.parse(JSON.stringify(spec)) as DistributionSpec;
        const expected = direct(parsed);
        const dist = createDistribution(parsed, 'service');
        expect(dist.kind).toBe(spec.dist);
        // The same parameters (whether `sample` is a closure or a prototype method), and a sampler.
        expect(parametersOf(dist)).toEqual(parametersOf(expected));
        expect(typeof dist.sample).toBe('function');
        expect(Object.is(dist.mean, expected.mean)).toBe(true);
        expect(samples(dist, seed)).toEqual(samples(expected, seed));
      }),
      { numRuns: 300 },
    );
    expect([...seen].sort()).toEqual([...DISTRIBUTION_KINDS].sort());
  });

  it('exposes the spec parameters on the distribution', () => {
    const dist = createDistribution({ dist: 'bounded-pareto', alpha: 1.5, min: 2, max: 50 });
    expect(dist).toMatchObject({ kind: 'bounded-pareto', alpha: 1.5, min: 2, max: 50 });
    expect(createDistribution({ dist: 'hyperexponential', mean: 10, cv: 2 })).toMatchObject({
      kind: 'hyperexponential',
      mean: 10,
    });
  });

  it('names nested fields below the given field', () => {
    expect(
      configErrorOf(() => createDistribution({ dist: 'exponential', mean: -1 }, 'service')).message,
    ).toBe('service.mean must be a finite number > 0, got -1');
    expect(configErrorOf(() => createDistribution({ dist: 'exponential', mean: 0 })).message).toBe(
      'mean must be a finite number > 0, got 0',
    );
    const branches = [
      { probability: 0.5, mean: 1 },
      { probability: 0.5, mean: Number.NaN },
    ];
    expect(
      configErrorOf(() => createDistribution({ dist: 'hyperexponential', branches }, 'agents[0].service'))
        .field,
    ).toBe('agents[0].service.branches[1].mean');
    expect(configErrorOf(() => create({ dist: 'empirical', samples: [1, 'x'] }, 'trace')).field).toBe(
      'trace.samples[1]',
    );
    expect(configErrorOf(() => create({ dist: 'uniform', min: 0 }, 'jitter')).message).toBe(
      'jitter.max must be a finite number, got undefined',
    );
  });

  const positiveParameters: ReadonlyArray<[Record<string, unknown>, string]> = [
    [{ dist: 'exponential', mean: 1 }, 'mean'],
    [{ dist: 'lognormal', mean: 1, cv: 1 }, 'mean'],
    [{ dist: 'gamma', shape: 1, scale: 1 }, 'shape'],
    [{ dist: 'gamma', shape: 1, scale: 1 }, 'scale'],
    [{ dist: 'erlang', k: 2, mean: 1 }, 'mean'],
    [{ dist: 'pareto', alpha: 2, scale: 1 }, 'alpha'],
    [{ dist: 'pareto', alpha: 2, scale: 1 }, 'scale'],
    [{ dist: 'bounded-pareto', alpha: 2, min: 1, max: 5 }, 'alpha'],
    [{ dist: 'bounded-pareto', alpha: 2, min: 1, max: 5 }, 'min'],
    [{ dist: 'hyperexponential', mean: 1, cv: 2 }, 'mean'],
  ];

  it('rejects every parameter that must be > 0 but is not, naming field.parameter and the value', () => {
    const bad = fc.oneof(
      fc.double({ max: 0, noNaN: true }),
      fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY),
    );
    const fieldArb = fc.constantFrom('service', 'agents[3].service', 'arrivals');
    fc.assert(
      fc.property(
        fc.constantFrom(...positiveParameters),
        bad,
        fieldArb,
        ([spec, parameter], value, field) => {
          const error = configErrorOf(() => create({ ...spec, [parameter]: value }, field));
          expect(error.field).toBe(`${field}.${parameter}`);
          expect(error.message).toBe(
            `${field}.${parameter} must be a finite number > 0, got ${String(value)}`,
          );
        },
      ),
    );
  });

  it('rejects an unknown dist, listing the kinds', () => {
    const error = configErrorOf(() => create({ dist: 'poisson', mean: 1 }, 'service'));
    expect(error.field).toBe('service.dist');
    expect(error.message).toBe(
      `service.dist must be one of ${DISTRIBUTION_KINDS.join(' | ')}, got "poisson"`,
    );
    expect(configErrorOf(() => create({ mean: 1 }, 'service')).field).toBe('service.dist');
    expect(configErrorOf(() => create({ dist: 'Exponential', mean: 1 }, 'service')).field).toBe(
      'service.dist',
    );
  });

  it('rejects a spec that is not an object', () => {
    for (const spec of [null, undefined, 3, 'exponential', [{ dist: 'exponential', mean: 1 }]]) {
      const error = configErrorOf(() => create(spec, 'service'));
      expect(error.field).toBe('service');
      expect(error.message).toMatch(/^service must be a distribution spec/);
    }
  });

  it('rejects parameters the kind does not take, rather than ignoring them', () => {
    const typo = configErrorOf(() => create({ dist: 'uniform', min: 0, max: 1, mx: 2 }, 'jitter'));
    expect(typo.field).toBe('jitter.mx');
    expect(typo.message).toBe('jitter.mx must not be set for dist "uniform" (it takes min, max), got 2');
    expect(configErrorOf(() => create({ dist: 'exponential', mean: 1, cv: 2 }, 's')).field).toBe('s.cv');
    const branch = { probability: 1, mean: 1, weight: 3 };
    expect(configErrorOf(() => create({ dist: 'hyperexponential', branches: [branch] }, 's')).field).toBe(
      's.branches[0].weight',
    );
  });

  it('takes a hyperexponential as mean and cv, or as branches, not both', () => {
    const both = { dist: 'hyperexponential', mean: 1, cv: 2, branches: [{ probability: 1, mean: 1 }] };
    expect(configErrorOf(() => create(both, 's')).field).toBe('s.branches');
    expect(configErrorOf(() => create({ dist: 'hyperexponential', mean: 1 }, 's')).field).toBe('s.cv');
    expect(configErrorOf(() => create({ dist: 'hyperexponential', branches: 'x' }, 's')).field).toBe(
      's.branches',
    );
  });
});

describe('scaled', () => {
  it('multiplies every sample and the mean by the factor, drawing exactly what the base draws', () => {
    fc.assert(
      fc.property(
        specArb,
        fc.double({ min: 0.01, max: 100, noNaN: true }),
        fc.nat(),
        (spec, factor, seed) => {
          const base = createDistribution(spec);
          const dist = scaled(base, factor);
          expect(dist).toMatchObject({ kind: 'scaled', base, factor });
          expect(Object.is(dist.mean, base.mean * factor)).toBe(true);
          const rngScaled = createRng(seed);
          const rngBase = createRng(seed);
          for (let i = 0; i < 20; i++) expect(dist.sample(rngScaled)).toBe(base.sample(rngBase) * factor);
          expect(rngScaled.state()).toEqual(rngBase.state());
        },
      ),
    );
  });

  it('keeps an infinite mean infinite', () => {
    expect(scaled(pareto({ alpha: 1, scale: 1 }), 2).mean).toBe(Number.POSITIVE_INFINITY);
  });

  it('rejects a factor that is not a finite number > 0, naming the given field', () => {
    const base = exponential({ mean: 1 });
    expect(configErrorOf(() => scaled(base, 0)).message).toBe('factor must be a finite number > 0, got 0');
    for (const factor of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(configErrorOf(() => scaled(base, factor, 'agents[2].speedFactor')).field).toBe(
        'agents[2].speedFactor',
      );
    }
  });
});
