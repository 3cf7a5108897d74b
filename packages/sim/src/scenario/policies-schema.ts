import { z } from 'zod';
import {
  JITTER_MODES,
  MAX_ATTEMPTS_LIMIT,
  MAX_COUNT_WINDOW_SIZE,
  MAX_QUEUE_DEPTH,
  MAX_TIME_WINDOW_BUCKETS,
  OVERFLOW_POLICIES,
  PRIORITIES,
} from '@flotilla/core';
import { MAX_AGENTS_PER_TYPE, nameSchema } from './agents-schema.js';
import { unionError } from './zod-issues.js';

/**
 * Schemas of the run limits and the delegation policies: queue bounds, retries, timeouts, breakers,
 * autoscaling, metrics. Times are seconds; every default is documented where it is set.
 */

/** Default `queue.maxDepth`: deep enough that only a deliberately overloaded scenario reaches it. */
export const DEFAULT_MAX_QUEUE_DEPTH = 1_000_000;

/** `stop` and `warmup`: a number of submitted tasks, or a span of simulated seconds. */
export const runLimitSchema = z.union(
  [
    z.strictObject({ tasks: z.int().min(1).describe('Tasks submitted.') }),
    z.strictObject({ time: z.number().positive().describe('Simulated seconds.') }),
  ],
  { error: unionError('must be { tasks: <count> } or { time: <seconds> }') },
);

/** `queue`: the central queue of each agent type, and its backpressure. */
export const queueSchema = z.strictObject({
  maxDepth: z
    .int()
    .min(1)
    .max(MAX_QUEUE_DEPTH)
    .default(DEFAULT_MAX_QUEUE_DEPTH)
    .describe('Bound on the tasks waiting per agent type; default 1,000,000.'),
  overflow: z
    .enum(OVERFLOW_POLICIES)
    .default('reject-new')
    .describe('What a full queue does; default reject-new.'),
  agingSec: z.number().positive().optional().describe('Anti-starvation aging, seconds; off by default.'),
  fairShare: z
    .strictObject({ weights: z.record(nameSchema, z.number().positive()).optional() })
    .optional()
    .describe('Weighted fair share across tenants (weights default 1); off by default.'),
  highWatermark: z
    .int()
    .min(1)
    .optional()
    .describe('Depth where backpressure starts; default 80% of maxDepth.'),
  lowWatermark: z
    .int()
    .min(0)
    .optional()
    .describe('Depth where backpressure ends; default 75% of highWatermark.'),
  shedPriorities: z
    .array(z.enum(PRIORITIES))
    .optional()
    .describe('Refused under backpressure; default [low].'),
});

/** `retries`: attempts per task and the backoff between them. */
export const retriesSchema = z.strictObject({
  maxAttempts: z
    .int()
    .min(1)
    .max(MAX_ATTEMPTS_LIMIT)
    .default(1)
    .describe('Attempts per task including the first; default 1 (no retries).'),
  baseDelaySec: z
    .number()
    .min(0)
    .default(0.1)
    .describe('Delay before the first retry, seconds; default 0.1.'),
  maxDelaySec: z.number().min(0).default(10).describe('Cap on the delay, seconds; default 10.'),
  multiplier: z.number().min(1).default(2).describe('Growth per attempt; default 2.'),
  jitter: z.enum(JITTER_MODES).default('full').describe('none | full | equal; default full.'),
  nonRetryableCodes: z.array(nameSchema).default([]).describe('Error codes never retried.'),
});

/** `timeouts`: per-task defaults; none unless set. */
export const timeoutsSchema = z.strictObject({
  ttlSec: z.number().positive().optional().describe('Expire a task still waiting this long, seconds.'),
  timeoutSec: z.number().positive().optional().describe('Deadline of one running attempt, seconds.'),
});

const rateThresholds = {
  minimumCalls: z
    .int()
    .min(1)
    .optional()
    .describe('No verdict before this many calls; default: count size, time 10.'),
  failureRateThreshold: z
    .number()
    .gt(0)
    .max(1)
    .default(0.5)
    .describe('Trip at this failure rate; default 0.5.'),
  slowCallRateThreshold: z.number().gt(0).max(1).optional().describe('Trip at this slow-call rate.'),
  slowCallDurationSec: z.number().min(0).optional().describe('A call slower than this is slow, seconds.'),
};

/** `breakers`: one circuit breaker per agent; off unless set. */
export const breakersSchema = z.strictObject({
  window: z
    .discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('consecutive'), threshold: z.int().min(1).default(5) }),
      z.strictObject({
        kind: z.literal('count'),
        size: z.int().min(1).max(MAX_COUNT_WINDOW_SIZE),
        ...rateThresholds,
      }),
      z.strictObject({
        kind: z.literal('time'),
        windowSec: z.number().positive(),
        bucketCount: z.int().min(1).max(MAX_TIME_WINDOW_BUCKETS).default(10),
        ...rateThresholds,
      }),
    ])
    .describe('When to trip: { kind: consecutive | count | time, … }.'),
  openDurationSec: z.number().positive().default(5).describe('Time open before probing, seconds; default 5.'),
  halfOpenProbes: z.int().min(1).default(1).describe('Probes while half-open; default 1.'),
  maxEjectionPercent: z
    .number()
    .min(0)
    .max(100)
    .default(50)
    .describe('Never eject more of a type; default 50.'),
});

/** One autoscaler, for one agent type. */
export const autoscalerSchema = z.strictObject({
  type: nameSchema.describe('The agent type it scales.'),
  minAgents: z.int().min(0).max(MAX_AGENTS_PER_TYPE).describe('Floor.'),
  maxAgents: z.int().min(1).max(MAX_AGENTS_PER_TYPE).describe('Ceiling.'),
  targetUtilization: z.number().gt(0).max(1).default(0.7).describe('Busy share to aim for; default 0.7.'),
  scaleUpQueuePerAgent: z
    .number()
    .min(0)
    .optional()
    .describe('Scale up past this many waiting tasks per agent; default: on utilization only.'),
  hysteresis: z
    .number()
    .min(0)
    .lt(1)
    .default(0.1)
    .describe('Dead band around the target, a fraction; default 0.1.'),
  cooldownSec: z
    .number()
    .min(0)
    .default(30)
    .describe('Quiet time after a scaling action, seconds; default 30.'),
  evaluateEverySec: z.number().positive().default(5).describe('Time between decisions, seconds; default 5.'),
  step: z.int().min(1).max(MAX_AGENTS_PER_TYPE).default(1).describe('Agents added per scale-up; default 1.'),
});

/** `metrics`: what the run keeps. */
export const metricsSchema = z.strictObject({
  perTask: z
    .boolean()
    .default(false)
    .describe("Keep every task's history (memory grows with the run); default false."),
});

/** The `stop`/`warmup` field as parsed. */
export type RunLimitFile = z.output<typeof runLimitSchema>;
/** The `breakers` field as parsed, seconds. */
export type BreakersFile = z.output<typeof breakersSchema>;
/** One autoscaler as parsed, seconds. */
export type AutoscalerFile = z.output<typeof autoscalerSchema>;
