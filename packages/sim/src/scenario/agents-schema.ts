import { z } from 'zod';
import { STRATEGY_NAMES } from '@flotilla/core';
import { distributionSchema } from './distribution-schema.js';
import { unionError } from './zod-issues.js';

/**
 * Schemas of the fleet side of a scenario: the balancing strategy and the agent types. Times are seconds.
 */

/** Most agents of one type, as in `@flotilla/actors` (`MAX_REPLICAS`): a limit on everything. */
export const MAX_AGENTS_PER_TYPE = 100_000;

/** Largest `capacity` of one agent. */
export const MAX_AGENT_CAPACITY = 1_000_000;

/** A non-empty name: agent types, capabilities, tenants, error codes. */
export const nameSchema = z.string().min(1);

const plainStrategies = STRATEGY_NAMES.filter(
  (name): name is Exclude<(typeof STRATEGY_NAMES)[number], 'consistent-hash' | 'latency-ewma'> =>
    name !== 'consistent-hash' && name !== 'latency-ewma',
);

/**
 * `strategy`: one of core's `STRATEGY_NAMES`, or `{ name, …options }` for the two that take options.
 * Default `least-connections`, the runtime's default.
 *
 * @example
 * ```yaml
 * strategy: power-of-two
 * strategy: { name: consistent-hash, virtualNodes: 200, loadFactor: 1.25 }
 * strategy: { name: latency-ewma, decaySec: 10 }
 * ```
 */
export const strategySchema = z.union(
  [
    z.enum(STRATEGY_NAMES),
    z.discriminatedUnion('name', [
      z.strictObject({
        name: z.literal('consistent-hash'),
        virtualNodes: z
          .int()
          .min(1)
          .max(1_000_000)
          .optional()
          .describe('Ring points per agent; default 100.'),
        maxRingSize: z
          .int()
          .min(1)
          .max(2 ** 21)
          .optional()
          .describe('Total ring points at most; default 2^20.'),
        loadFactor: z.number().min(1).optional().describe('Bounded loads (e.g. 1.25); off by default.'),
      }),
      z.strictObject({
        name: z.literal('latency-ewma'),
        decaySec: z.number().positive().optional().describe('EWMA time constant, seconds; default 10.'),
      }),
      z.strictObject({ name: z.enum(plainStrategies) }),
    ]),
  ],
  { error: unionError(`must be one of ${STRATEGY_NAMES.join(' | ')}, or { name: <strategy>, …options }`) },
);

/**
 * A service time that grows with the task's size, for LLM agents: `base + perOutputToken · output tokens +
 * perInputToken · input tokens`, seconds. The tokens come from a trace or the workload's `tokens`.
 */
export const tokenServiceSchema = z.strictObject({
  model: z.literal('tokens'),
  base: z.number().min(0).describe('Seconds per task whatever its size.'),
  perOutputToken: z.number().min(0).describe('Seconds per output (generated) token.'),
  perInputToken: z.number().min(0).default(0).describe('Seconds per input (prompt) token; default 0.'),
});

/** `service`: a distribution of seconds, or a size-based {@link tokenServiceSchema}. */
export const serviceSchema = z.union([distributionSchema, tokenServiceSchema], {
  error: unionError(
    'must be a distribution { dist: exponential, mean: 1 } or a size model { model: tokens, … }',
  ),
});

const rateLimitSchema = z.strictObject({
  limit: z.number().positive().describe('Units admitted per interval.'),
  intervalSec: z.number().positive().describe('The interval, seconds (60 for "per minute").'),
  burst: z.number().positive().optional().describe('Largest burst; default limit.'),
});

/** Most prefix blocks one agent's cache may hold: a limit on everything. */
export const MAX_PREFIX_CACHE_BLOCKS = 10_000_000;

/** One agent type: how many, how much each takes on, how fast it serves. */
export const agentTypeSchema = z.strictObject({
  type: nameSchema.describe('Name of the agent type; workloads send tasks to it by this name.'),
  count: z.int().min(1).max(MAX_AGENTS_PER_TYPE).default(1).describe('Agents of this type; default 1.'),
  capacity: z.int().min(1).max(MAX_AGENT_CAPACITY).default(1).describe('Tasks one agent runs at once.'),
  queueLimit: z
    .union(
      [
        z.int().min(0, { error: unionError('must be an integer ≥ 0 or "unbounded"') }),
        z.literal('unbounded'),
      ],
      { error: unionError('must be an integer ≥ 0 or "unbounded"') },
    )
    .default(0)
    .describe(
      'Tasks waiting at an agent beyond capacity: 0 = pull from the central queue; unbounded = dispatch on arrival.',
    ),
  service: serviceSchema.describe('Service time, seconds: a distribution, or { model: tokens, … }.'),
  speed: z
    .union([z.number().positive(), z.array(z.number().positive()).min(1)], {
      error: unionError('must be a number > 0 or a list of numbers > 0'),
    })
    .optional()
    .describe('Speed factor: one for all agents, or one per agent (the rest 1). 2 = twice as fast.'),
  capabilities: z.array(nameSchema).default([]).describe('Capabilities every agent of this type has.'),
  weight: z.number().positive().optional().describe('Weight for weighted strategies; default the capacity.'),
  rateLimit: z
    .strictObject({
      requests: rateLimitSchema.optional().describe('Requests per interval for the whole type.'),
      cost: rateLimitSchema.optional().describe('Cost (tokens) per interval for the whole type.'),
    })
    .optional()
    .describe('Provider rate limits for the whole type.'),
  prefixCache: z
    .strictObject({
      blocks: z
        .int()
        .min(1)
        .max(MAX_PREFIX_CACHE_BLOCKS)
        .describe('Prompt-prefix blocks one agent keeps (LRU).'),
    })
    .optional()
    .describe(
      "A prompt-prefix (KV) cache per agent, fed by arrivals' prefix blocks (the Mooncake trace's hash_ids): cached blocks skip their share of the input-token time.",
    ),
});

/** An agent type as parsed from a file, defaults applied, seconds. */
export type AgentTypeFile = z.output<typeof agentTypeSchema>;
/** The `strategy` field as parsed from a file. */
export type StrategyFile = z.output<typeof strategySchema>;
