import { createDistribution, FlotillaError, type Rng } from '@flotilla/core';
import type { SimAgentType, SimConfig } from '../kernel/simulate.js';
import type { Scenario, WorkloadScenario } from '../scenario/scenario.js';
import { azureTraceWorkload } from '../workload/azure-trace.js';
import { burstyWorkload } from '../workload/bursty.js';
import { closedLoopWorkload } from '../workload/closed-loop.js';
import { diurnalWorkload } from '../workload/diurnal.js';
import type { WorkloadMix } from '../workload/mix.js';
import { mooncakeTraceWorkload } from '../workload/mooncake-trace.js';
import { poissonWorkload } from '../workload/poisson.js';
import { tokenServiceTime } from '../workload/service-time.js';
import type { Arrival, Workload } from '../workload/workload.js';

/** Code of the error for a scenario feature the simulator does not run yet. */
export const UNSUPPORTED_SCENARIO = 'FLOTILLA_UNSUPPORTED_SCENARIO';

/**
 * Turns a validated scenario into the kernel's configuration. A scenario field the kernel does not
 * simulate yet is refused with its path, never ignored: a report that silently left out the faults or
 * the breakers it was asked to model would be a false statement about the runtime.
 */
export function toSimConfig(scenario: Scenario): SimConfig {
  const network = scenario.faults.find((fault) => fault.kind === 'network');
  if (
    network !== undefined &&
    (network.lossRate > 0 || network.partitions.length > 0) &&
    scenario.timeouts.timeoutMs === undefined
  ) {
    // A lost message leaves its attempt waiting forever, in the runtime as here: only a deadline ends it.
    throw new FlotillaError(
      UNSUPPORTED_SCENARIO,
      `${scenario.origin}: faults with lossRate or partition need timeouts.timeoutSec (a lost message is only recovered by the attempt's deadline)`,
    );
  }
  const agents: SimAgentType[] = scenario.agents.map((agent) => {
    const service = agent.service;
    let serviceTime: SimAgentType['service'];
    if (service.kind === 'distribution') serviceTime = createDistribution(service.spec);
    else {
      const model = tokenServiceTime({
        baseMs: service.baseMs,
        perOutputTokenMs: service.perOutputTokenMs,
        perInputTokenMs: service.perInputTokenMs,
      });
      serviceTime = (arrival: Arrival) => model.serviceMs(arrival);
    }
    return {
      type: agent.type,
      count: agent.count,
      capacity: agent.capacity,
      queueLimit: agent.queueLimit,
      service: serviceTime,
      speeds: Array.from({ length: agent.count }, (_, i) => agent.speed.perAgent[i] ?? agent.speed.base),
      capabilities: agent.capabilities,
      weight: agent.weight,
      ...(agent.rateLimit === undefined ? {} : { rateLimit: agent.rateLimit }),
      ...(agent.prefixCacheBlocks === undefined ? {} : { prefixCacheBlocks: agent.prefixCacheBlocks }),
    };
  });
  return {
    seed: scenario.seed,
    stop: scenario.stop.kind === 'tasks' ? { tasks: scenario.stop.tasks } : { timeMs: scenario.stop.timeMs },
    ...(scenario.warmup === undefined
      ? {}
      : {
          warmup:
            scenario.warmup.kind === 'tasks'
              ? { tasks: scenario.warmup.tasks }
              : { timeMs: scenario.warmup.timeMs },
        }),
    strategy: scenario.strategy,
    agents,
    workloads: scenario.workload.map(toWorkload),
    queue: {
      maxDepth: scenario.queue.maxDepth,
      overflow: scenario.queue.overflow,
      ...(scenario.queue.agingMs === undefined ? {} : { agingMs: scenario.queue.agingMs }),
      ...(scenario.queue.fairShare === undefined ? {} : { fairShare: scenario.queue.fairShare }),
      highWatermark: scenario.queue.highWatermark,
      lowWatermark: scenario.queue.lowWatermark,
      shedPriorities: scenario.queue.shedPriorities,
    },
    ...(scenario.timeouts.ttlMs === undefined ? {} : { ttlMs: scenario.timeouts.ttlMs }),
    ...(scenario.timeouts.timeoutMs === undefined ? {} : { timeoutMs: scenario.timeouts.timeoutMs }),
    maxAttempts: scenario.retries.maxAttempts,
    retry: {
      baseDelayMs: scenario.retries.baseDelayMs,
      maxDelayMs: scenario.retries.maxDelayMs,
      multiplier: scenario.retries.multiplier,
      jitter: scenario.retries.jitter,
      nonRetryableCodes: scenario.retries.nonRetryableCodes,
    },
    ...(scenario.breakers === undefined ? {} : { breaker: scenario.breakers }),
    faults: scenario.faults,
    perTask: scenario.metrics.perTask,
    autoscalers: scenario.autoscaling.map(({ type, evaluateEveryMs, ...config }) => ({
      type,
      options: { ...config, evaluateEveryMs },
    })),
  };
}

function toWorkload(workload: WorkloadScenario): Workload {
  const mix: WorkloadMix = {
    type: workload.type,
    priority: workload.priority,
    ...(workload.tenants === undefined ? {} : { tenants: workload.tenants }),
    ...(typeof workload.affinityKeys === 'number' ? { affinityKeys: workload.affinityKeys } : {}),
  };
  const arrivals = workload.arrivals;
  let source: Workload;
  switch (arrivals.process) {
    case 'poisson':
      source = poissonWorkload({ ratePerSec: arrivals.ratePerSec, mix });
      break;
    case 'bursty':
      source = burstyWorkload({ ...arrivals, mix });
      break;
    case 'diurnal':
      source = diurnalWorkload({ ...arrivals, mix });
      break;
    case 'closed':
      source = closedLoopWorkload({
        clients: arrivals.clients,
        thinkTime: createDistribution(arrivals.thinkTime),
        mix,
      });
      break;
    case 'trace': {
      const options = {
        path: arrivals.path,
        timeScale: arrivals.timeScale,
        mix,
        ...(arrivals.maxTasks === undefined ? {} : { maxTasks: arrivals.maxTasks }),
      };
      source = arrivals.format === 'azure-csv' ? azureTraceWorkload(options) : mooncakeTraceWorkload(options);
      break;
    }
  }
  return workload.tokens === undefined ? source : withTokenSizes(source, workload.tokens);
}

/** Gives synthetic arrivals token sizes (for size-based service times), from their own random stream. */
function withTokenSizes(source: Workload, tokens: NonNullable<WorkloadScenario['tokens']>): Workload {
  const output = createDistribution(tokens.output);
  const input = tokens.input === undefined ? undefined : createDistribution(tokens.input);
  return {
    name: source.name,
    start(context, rng: Rng) {
      const sizes = rng.fork('tokens');
      source.start(
        {
          // Each method through the context, not a spread of it: the simulator's is a class instance, and
          // a spread copies no prototype methods.
          now: () => context.now(),
          at: (atMs, callback) => context.at(atMs, callback),
          active: () => context.active(),
          submit: (arrival, onDone) =>
            context.submit(
              {
                ...arrival,
                outputTokens: arrival.outputTokens ?? Math.max(0, Math.round(output.sample(sizes))),
                ...(input === undefined
                  ? {}
                  : { inputTokens: arrival.inputTokens ?? Math.max(0, Math.round(input.sample(sizes))) }),
              },
              onDone,
            ),
        },
        rng,
      );
    },
  };
}
