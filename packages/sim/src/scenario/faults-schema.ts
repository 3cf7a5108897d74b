import { z } from 'zod';
import { nameSchema } from './agents-schema.js';
import { distributionSchema } from './distribution-schema.js';
import { unionError } from './zod-issues.js';

/**
 * Schemas of `faults`, tagged by `kind`. Agent ids are `<type>-<index>` with 0-based indices
 * (`worker-0` … `worker-99` for 100 workers). Times are seconds since the start of the run.
 */

/** Default `restartDelaySec` of a crash. */
export const DEFAULT_RESTART_DELAY_SEC = 5;
/** Default `code` of an `errors` fault. */
export const DEFAULT_ERROR_CODE = 'TRANSIENT';
/** Default `code` of a `rate-limit-429` fault. */
export const DEFAULT_RATE_LIMIT_CODE = 'RATE_LIMITED';

/** Which agents a fault hits: the first `n` of the type (indices 0…n−1), or a list of agent ids. */
const agentsSchema = z.union([z.int().min(1), z.array(nameSchema).min(1)], {
  error: unionError('must be a number of agents ≥ 1 or a list of agent ids like worker-3'),
});

const windowFields = {
  fromSec: z.number().min(0).optional().describe('Start, seconds; default 0.'),
  toSec: z.number().positive().optional().describe('End, seconds; default the end of the run.'),
};

const partitionSchema = z.strictObject({
  fromSec: z.number().min(0).describe('Start of the partition, seconds.'),
  toSec: z.number().positive().describe('End of the partition, seconds.'),
  agents: agentsSchema.optional().describe('Agents cut off from the delegator; default all.'),
});

/**
 * One fault.
 *
 * @example
 * ```yaml
 * faults:
 *   - { kind: crash, agent: worker-3, atSec: 100, restartDelaySec: 5 }
 *   - { kind: errors, type: worker, rate: 0.01 }
 *   - { kind: slowdown, type: worker, agents: 10, fromSec: 600, toSec: 900, factor: 3 }
 *   - { kind: rate-limit-429, type: llm, rate: 0.2, fromSec: 60 }
 *   - { kind: network, delay: { dist: exponential, mean: 0.002 }, lossRate: 0.001 }
 * ```
 */
export const faultSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('crash'),
    agent: nameSchema.optional().describe('One agent by id (e.g. worker-3); or give type.'),
    type: nameSchema.optional().describe('Every agent of the type (or `agents` of them); or give agent.'),
    agents: agentsSchema.optional().describe('With type: the first n agents, or a list of ids.'),
    atSec: z.number().min(0).optional().describe('Crash once at this time; or give ratePerHour.'),
    ratePerHour: z.number().positive().optional().describe('Crashes per agent per hour of uptime (Poisson).'),
    restartDelaySec: z
      .union([z.number().min(0), z.literal('never')], {
        error: unionError('must be a number ≥ 0 or "never"'),
      })
      .default(DEFAULT_RESTART_DELAY_SEC)
      .describe('Time until the agent is back, seconds, or never; default 5.'),
  }),
  z.strictObject({
    kind: z.literal('errors'),
    type: nameSchema.describe('Agent type whose attempts fail.'),
    agents: agentsSchema.optional().describe('The first n agents, or a list of ids; default all.'),
    rate: z.number().min(0).max(1).describe('Probability that an attempt fails.'),
    code: nameSchema.default(DEFAULT_ERROR_CODE).describe('Error code of the failures; default TRANSIENT.'),
    ...windowFields,
  }),
  z.strictObject({
    kind: z.literal('slowdown'),
    type: nameSchema.describe('Agent type that slows down.'),
    agents: agentsSchema.optional().describe('The first n agents, or a list of ids; default all.'),
    fromSec: z.number().min(0).describe('Start of the brownout, seconds.'),
    toSec: z.number().positive().describe('End of the brownout, seconds.'),
    factor: z.number().positive().describe('Service times are multiplied by this (3 = three times slower).'),
  }),
  z.strictObject({
    kind: z.literal('rate-limit-429'),
    type: nameSchema.describe('Agent type whose provider answers 429.'),
    agents: agentsSchema.optional().describe('The first n agents, or a list of ids; default all.'),
    rate: z.number().min(0).max(1).describe('Probability that an attempt is answered 429.'),
    code: nameSchema.default(DEFAULT_RATE_LIMIT_CODE).describe('Error code of a 429; default RATE_LIMITED.'),
    ...windowFields,
  }),
  z.strictObject({
    kind: z.literal('network'),
    delay: distributionSchema.optional().describe('One-way delay of each message, seconds; default none.'),
    jitterSec: z.number().min(0).optional().describe('Extra uniform delay in [0, jitterSec), seconds.'),
    lossRate: z.number().min(0).lt(1).optional().describe('Probability that a message is lost; default 0.'),
    partition: z
      .union([partitionSchema, z.array(partitionSchema)], {
        error: unionError('must be { fromSec, toSec, agents? } or a list of them'),
      })
      .optional()
      .describe('Windows in which agents cannot reach the delegator.'),
  }),
]);

/** A fault as parsed from a file, seconds. */
export type FaultFile = z.output<typeof faultSchema>;
