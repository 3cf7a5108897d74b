import { z } from 'zod';
import { MAX_SEED } from '@flotilla/core';
import { agentTypeSchema, strategySchema } from './agents-schema.js';
import { faultSchema } from './faults-schema.js';
import {
  autoscalerSchema,
  breakersSchema,
  metricsSchema,
  queueSchema,
  retriesSchema,
  runLimitSchema,
  timeoutsSchema,
} from './policies-schema.js';
import { workloadEntrySchema } from './workload-schema.js';
import { unionError } from './zod-issues.js';

/** Default `seed`: a fixed one, so that a file without a seed still gives the same report every run. */
export const DEFAULT_SEED = 1;

/** Default `strategy`: the runtime's default. */
export const DEFAULT_STRATEGY = 'least-connections';

/**
 * The whole scenario file. Objects are strict: a key the schema does not know is an error (a typo
 * silently ignored would run a different simulation than the one written). Objects with only optional
 * fields use `prefault({})`, so leaving them out applies each field's default.
 *
 * @example
 * ```ts
 * const file = scenarioSchema.parse(YAML.parse(text)); // ScenarioFile: seconds, defaults applied
 * ```
 */
export const scenarioSchema = z
  .strictObject({
    name: z.string().optional().describe('A short title for reports.'),
    description: z.string().optional().describe('What the scenario shows.'),
    seed: z
      .int()
      .min(0)
      .max(MAX_SEED)
      .default(DEFAULT_SEED)
      .describe('Seed of every random stream of the run; default 1.'),
    stop: runLimitSchema.describe('When the run ends: { tasks: N } submitted, or { time: seconds }.'),
    warmup: runLimitSchema
      .optional()
      .describe(
        'Left out of the statistics: { tasks: N } or { time: seconds }, same kind as stop; default none.',
      ),
    strategy: strategySchema
      .default(DEFAULT_STRATEGY)
      .describe('Balancing strategy, or { name, …options }; default least-connections.'),
    agents: z.array(agentTypeSchema).min(1).describe('Agent types.'),
    workload: z.array(workloadEntrySchema).min(1).describe('Streams of tasks.'),
    queue: queueSchema.prefault({}).describe('Central queue of each agent type.'),
    retries: retriesSchema.prefault({}).describe('Attempts and backoff.'),
    timeouts: timeoutsSchema.prefault({}).describe('Per-task TTL and attempt deadline; none by default.'),
    breakers: breakersSchema.optional().describe('A circuit breaker per agent; off by default.'),
    faults: z.array(faultSchema).default([]).describe('Faults injected during the run.'),
    autoscaling: z
      .union([autoscalerSchema, z.array(autoscalerSchema)], {
        error: unionError('must be an autoscaler { type, minAgents, maxAgents, … } or a list of them'),
      })
      .optional()
      .describe('Autoscalers, one per agent type; off by default.'),
    metrics: metricsSchema.prefault({}).describe('What the run keeps.'),
  })
  .meta({
    title: 'Flotilla scenario',
    description: 'A simulation scenario for `pnpm flotilla sim`. Times are in seconds, rates per second.',
  });

/** A scenario file as written (what the JSON Schema describes): optional fields may be absent. */
export type ScenarioFileInput = z.input<typeof scenarioSchema>;

/** A scenario file parsed and checked field by field, defaults applied; times still in seconds. */
export type ScenarioFile = z.output<typeof scenarioSchema>;
