import { z } from 'zod';
import { PRIORITIES } from '@flotilla/core';
import { nameSchema } from './agents-schema.js';
import { distributionSchema } from './distribution-schema.js';
import { unionError } from './zod-issues.js';

/**
 * Schemas of the load side of a scenario: arrival processes and workload entries. Rates are tasks per
 * simulated second, times are seconds.
 */

/** The named traces shipped in the shared data directory; anything else is a path to a `.csv`/`.jsonl`. */
export const TRACE_SOURCE_NAMES = ['azure-code', 'azure-conv', 'mooncake'] as const;

/** Most clients of a closed workload. */
export const MAX_CLIENTS = 1_000_000;

/**
 * `arrivals`, tagged by `process`.
 *
 * @example
 * ```yaml
 * arrivals: { process: poisson, rate: 90 }
 * arrivals: { process: bursty, rateOn: 200, rateOff: 10, meanOnSec: 5, meanOffSec: 30 }
 * arrivals: { process: diurnal, meanRate: 50, amplitude: 0.6, periodSec: 86400 }
 * arrivals: { process: closed, clients: 64, thinkTime: { dist: exponential, mean: 2 } }
 * arrivals: { process: trace, source: azure-conv, timeScale: 0.5 }
 * ```
 */
export const arrivalsSchema = z.discriminatedUnion('process', [
  z.strictObject({
    process: z.literal('poisson'),
    rate: z.number().positive().describe('Tasks per simulated second.'),
  }),
  z.strictObject({
    process: z.literal('bursty'),
    rateOn: z.number().positive().describe('Tasks per second while on.'),
    rateOff: z.number().min(0).describe('Tasks per second while off (0 = silent).'),
    meanOnSec: z.number().positive().describe('Mean length of an on period, seconds (exponential).'),
    meanOffSec: z.number().positive().describe('Mean length of an off period, seconds (exponential).'),
  }),
  z.strictObject({
    process: z.literal('diurnal'),
    meanRate: z.number().positive().describe('Mean tasks per second over a period.'),
    amplitude: z
      .number()
      .min(0)
      .max(1)
      .describe('rate(t) = meanRate · (1 + amplitude · sin(2π (t + phase) / period)).'),
    periodSec: z.number().positive().describe('Period, seconds (86400 for a day).'),
    phaseSec: z.number().default(0).describe('Phase shift, seconds; default 0.'),
  }),
  z.strictObject({
    process: z.literal('closed'),
    clients: z.int().min(1).max(MAX_CLIENTS).describe('Clients, each with one task in flight at a time.'),
    thinkTime: distributionSchema.describe('Time a client waits after a task ends before the next, seconds.'),
  }),
  z.strictObject({
    process: z.literal('trace'),
    source: nameSchema.describe(
      'azure-code | azure-conv | mooncake, or a path to a .csv (Azure format) or .jsonl (Mooncake format) file, relative to the scenario file.',
    ),
    timeScale: z
      .number()
      .positive()
      .default(1)
      .describe('Multiplies trace times: 0.5 replays twice as fast.'),
    maxTasks: z.int().min(1).optional().describe('Replay at most this many records.'),
  }),
]);

/** `priority`: one priority, or a mix of them by weight. Default `medium`. */
export const prioritySchema = z.union(
  [z.enum(PRIORITIES), z.partialRecord(z.enum(PRIORITIES), z.number().min(0))],
  {
    error: unionError(
      `must be one of ${PRIORITIES.join(' | ')}, or a mix by weight { critical: 0.1, low: 0.9 }`,
    ),
  },
);

/** One stream of tasks into one agent type. */
export const workloadEntrySchema = z.strictObject({
  arrivals: arrivalsSchema.describe('The arrival process.'),
  type: nameSchema.optional().describe('Agent type the tasks go to; may be left out when there is only one.'),
  priority: prioritySchema.default('medium').describe('A priority, or a mix { critical: 0.1, low: 0.9 }.'),
  tenants: z
    .record(nameSchema, z.number().min(0))
    .optional()
    .describe('Tenants by weight, e.g. { a: 1, b: 3 }; default one tenant "default".'),
  affinityKeys: z
    .union([z.int().min(1), z.literal('trace')], { error: unionError('must be an integer ≥ 1 or "trace"') })
    .optional()
    .describe('Distinct random affinity keys, or "trace" for a Mooncake trace\'s prefix hash ids.'),
  capabilities: z.array(nameSchema).default([]).describe('Capabilities every task requires.'),
  tokens: z
    .strictObject({
      input: distributionSchema.optional().describe('Input tokens per task; default 0.'),
      output: distributionSchema.describe('Output tokens per task.'),
    })
    .optional()
    .describe('Task sizes in tokens, for size-based service models (traces carry their own).'),
  cost: z
    .union([z.number().positive(), z.literal('tokens')], {
      error: unionError('must be a number > 0 or "tokens"'),
    })
    .optional()
    .describe('Cost charged to cost rate limits: a fixed number, or "tokens" (input + output).'),
});

/** A workload entry as parsed from a file, defaults applied, seconds. */
export type WorkloadEntryFile = z.output<typeof workloadEntrySchema>;
/** An arrival process as parsed from a file. */
export type ArrivalsFile = z.output<typeof arrivalsSchema>;
