import { z } from 'zod';
import type { DistributionKind, DistributionSpec } from '@flotilla/core';

/**
 * Core's {@link DistributionSpec} as a zod schema: `dist` names the family, the other keys are its
 * parameters, in the unit of the field that holds it (seconds for service, think and network times; tokens
 * for token counts). Every quantity a scenario draws is non-negative, so parameters that core accepts as
 * any finite number (a deterministic `value`, a uniform `min`, empirical `samples`) must be ≥ 0 here.
 * Constraints between parameters (`max > min`, branch probabilities summing to 1) are checked when the
 * scenario is resolved, by core's own `createDistribution`.
 */

const positive = z.number().positive();
const nonNegative = z.number().min(0);

const hyperexponential = z
  .strictObject({
    dist: z.literal('hyperexponential'),
    mean: positive.optional().describe('Mean, with cv (the two-branch fit); or give branches instead.'),
    cv: z.number().min(1).max(1e6).optional().describe('Coefficient of variation, ≥ 1.'),
    branches: z
      .array(z.strictObject({ probability: z.number().min(0).max(1), mean: positive }))
      .min(1)
      .optional()
      .describe('Explicit branches { probability, mean }; probabilities sum to 1.'),
  })
  // Core's spec is a union of the two forms; zod's discriminated union cannot hold two options with the
  // same tag, so one object takes both forms and this check keeps them apart.
  .superRefine((spec, context) => {
    const byMoments = spec.mean !== undefined || spec.cv !== undefined;
    if (byMoments === (spec.branches !== undefined)) {
      context.addIssue({
        code: 'custom',
        message: 'must have either mean and cv, or branches',
        input: spec,
      });
    } else if (byMoments && (spec.mean === undefined || spec.cv === undefined)) {
      const missing = spec.mean === undefined ? 'mean' : 'cv';
      context.addIssue({ code: 'custom', path: [missing], message: 'must be set', input: undefined });
    }
  });

/**
 * A distribution spec in a scenario file.
 *
 * @example
 * ```ts
 * distributionSchema.parse({ dist: 'lognormal', mean: 0.8, cv: 1.5 });
 * ```
 */
export const distributionSchema = z
  .discriminatedUnion('dist', [
    z.strictObject({ dist: z.literal('exponential'), mean: positive }),
    z.strictObject({ dist: z.literal('deterministic'), value: nonNegative }),
    z.strictObject({ dist: z.literal('uniform'), min: nonNegative, max: nonNegative }),
    z.strictObject({ dist: z.literal('normal'), mean: nonNegative, stddev: nonNegative }),
    z.strictObject({ dist: z.literal('lognormal'), mean: positive, cv: z.number().min(0).max(1e6) }),
    z.strictObject({ dist: z.literal('gamma'), shape: positive, scale: positive }),
    z.strictObject({ dist: z.literal('erlang'), k: z.int().min(1).max(1_000_000), mean: positive }),
    z.strictObject({ dist: z.literal('pareto'), alpha: positive, scale: positive }),
    z.strictObject({ dist: z.literal('bounded-pareto'), alpha: positive, min: positive, max: positive }),
    hyperexponential,
    z.strictObject({ dist: z.literal('empirical'), samples: z.array(nonNegative).min(1) }),
  ])
  .meta({
    // An id makes the JSON Schema define it once and refer to it from every field that holds one.
    id: 'Distribution',
    description:
      'A distribution: { dist: exponential, mean } | deterministic | uniform | normal | lognormal { mean, cv } | gamma | erlang | pareto | bounded-pareto | hyperexponential | empirical.',
  });

/** A distribution as parsed from a file (before the cross-parameter checks). */
export type DistributionFile = z.output<typeof distributionSchema>;

// Every family core knows must be accepted here: this line stops compiling when core gains one.
const coversEveryKind: [Exclude<DistributionKind, DistributionFile['dist']>] extends [never] ? true : never =
  true;
void coversEveryKind;

/**
 * Core's spec for a parsed distribution (the hyperexponential's two forms split apart again).
 *
 * @example
 * ```ts
 * toDistributionSpec({ dist: 'exponential', mean: 1 }); // { dist: 'exponential', mean: 1 }
 * ```
 */
export function toDistributionSpec(parsed: DistributionFile): DistributionSpec {
  if (parsed.dist !== 'hyperexponential') return parsed;
  if (parsed.branches !== undefined) return { dist: 'hyperexponential', branches: parsed.branches };
  return { dist: 'hyperexponential', mean: parsed.mean ?? Number.NaN, cv: parsed.cv ?? Number.NaN };
}

/**
 * `spec` with every value it draws multiplied by `factor`: seconds to milliseconds with 1000. Rewrites the
 * parameters that carry the unit (means, scales, bounds, samples) and keeps the unitless ones (`cv`,
 * `shape`, `alpha`, `k`, probabilities), so the result is again a plain spec (it can cross a thread).
 *
 * @example
 * ```ts
 * scaleDistribution({ dist: 'lognormal', mean: 0.8, cv: 1.5 }, 1000); // { dist: 'lognormal', mean: 800, cv: 1.5 }
 * ```
 */
export function scaleDistribution(spec: DistributionSpec, factor: number): DistributionSpec {
  switch (spec.dist) {
    case 'exponential':
      return { dist: spec.dist, mean: spec.mean * factor };
    case 'deterministic':
      return { dist: spec.dist, value: spec.value * factor };
    case 'uniform':
      return { dist: spec.dist, min: spec.min * factor, max: spec.max * factor };
    case 'normal':
      return { dist: spec.dist, mean: spec.mean * factor, stddev: spec.stddev * factor };
    case 'lognormal':
      return { dist: spec.dist, mean: spec.mean * factor, cv: spec.cv };
    case 'gamma':
      return { dist: spec.dist, shape: spec.shape, scale: spec.scale * factor };
    case 'erlang':
      return { dist: spec.dist, k: spec.k, mean: spec.mean * factor };
    case 'pareto':
      return { dist: spec.dist, alpha: spec.alpha, scale: spec.scale * factor };
    case 'bounded-pareto':
      return { dist: spec.dist, alpha: spec.alpha, min: spec.min * factor, max: spec.max * factor };
    case 'hyperexponential':
      if ('branches' in spec) {
        const branches = spec.branches.map((b) => ({ probability: b.probability, mean: b.mean * factor }));
        return { dist: spec.dist, branches };
      }
      return { dist: spec.dist, mean: spec.mean * factor, cv: spec.cv };
    case 'empirical':
      return { dist: spec.dist, samples: spec.samples.map((sample) => sample * factor) };
  }
}
