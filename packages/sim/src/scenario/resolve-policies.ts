import { DEFAULT_SHED_PRIORITIES, type BreakerWindowSpec } from '@flotilla/core';
import { msFromSec, type IssueList } from './issue-list.js';
import type { AutoscalerFile, BreakersFile, RunLimitFile } from './policies-schema.js';
import type {
  AgentTypeScenario,
  AutoscalingScenario,
  BreakersScenario,
  QueueScenario,
  RetriesScenario,
  RunLimit,
  TimeoutsScenario,
} from './scenario.js';
import type { ScenarioFile } from './schema.js';

/** Default `minimumCalls` of a time window (a count window defaults to its size). */
const DEFAULT_TIME_WINDOW_MINIMUM_CALLS = 10;

/**
 * `stop` and `warmup`; the warm-up must be of the same kind as the stop and end before it.
 */
export function resolveRunLimits(
  stopFile: RunLimitFile,
  warmupFile: RunLimitFile | undefined,
  issues: IssueList,
): { stop: RunLimit; warmup: RunLimit | undefined } {
  const stop = resolveRunLimit(stopFile);
  const warmup = warmupFile === undefined ? undefined : resolveRunLimit(warmupFile);
  if (warmup !== undefined && warmupFile !== undefined) {
    if (warmup.kind !== stop.kind) {
      issues.add('warmup', `must be of the same kind as stop ({ ${stop.kind}: … })`, warmupFile);
    } else if ('tasks' in warmupFile && 'tasks' in stopFile && warmupFile.tasks >= stopFile.tasks) {
      issues.add('warmup.tasks', `must be < stop.tasks (${stopFile.tasks})`, warmupFile.tasks);
    } else if ('time' in warmupFile && 'time' in stopFile && warmupFile.time >= stopFile.time) {
      issues.add('warmup.time', `must be < stop.time (${stopFile.time})`, warmupFile.time);
    }
  }
  return { stop, warmup };
}

function resolveRunLimit(limit: RunLimitFile): RunLimit {
  return Object.freeze(
    'tasks' in limit
      ? { kind: 'tasks', tasks: limit.tasks }
      : { kind: 'time', timeMs: msFromSec(limit.time) },
  );
}

/** `queue`, with the runtime's watermark defaults (80 % of the depth, then 75 % of that). */
export function resolveQueue(queue: ScenarioFile['queue'], issues: IssueList): QueueScenario {
  if (queue.agingSec !== undefined && queue.fairShare !== undefined) {
    // Core refuses both: aging orders across levels by wait, fair share within a level by service.
    issues.add('queue.agingSec', 'must be unset when fairShare is set (choose one ordering)', queue.agingSec);
  }
  const highWatermark = queue.highWatermark ?? Math.max(1, Math.floor(queue.maxDepth * 0.8));
  if (highWatermark > queue.maxDepth) {
    issues.add('queue.highWatermark', `must be ≤ maxDepth (${queue.maxDepth})`, highWatermark);
  }
  const lowWatermark = queue.lowWatermark ?? Math.floor(highWatermark * 0.75);
  if (lowWatermark >= highWatermark) {
    issues.add('queue.lowWatermark', `must be < highWatermark (${highWatermark})`, lowWatermark);
  }
  return Object.freeze({
    maxDepth: queue.maxDepth,
    overflow: queue.overflow,
    agingMs: queue.agingSec === undefined ? undefined : msFromSec(queue.agingSec),
    fairShare:
      queue.fairShare === undefined
        ? undefined
        : Object.freeze({ weights: Object.freeze({ ...queue.fairShare.weights }) }),
    highWatermark,
    lowWatermark,
    shedPriorities: Object.freeze([...new Set(queue.shedPriorities ?? DEFAULT_SHED_PRIORITIES)]),
  });
}

/** `retries`, in ms; the cap may not be below the base delay. */
export function resolveRetries(retries: ScenarioFile['retries'], issues: IssueList): RetriesScenario {
  if (retries.maxDelaySec < retries.baseDelaySec) {
    issues.add(
      'retries.maxDelaySec',
      `must be ≥ baseDelaySec (${retries.baseDelaySec})`,
      retries.maxDelaySec,
    );
  }
  return Object.freeze({
    maxAttempts: retries.maxAttempts,
    baseDelayMs: msFromSec(retries.baseDelaySec),
    maxDelayMs: msFromSec(retries.maxDelaySec),
    multiplier: retries.multiplier,
    jitter: retries.jitter,
    nonRetryableCodes: Object.freeze([...retries.nonRetryableCodes]),
  });
}

/** `timeouts`, in ms. */
export function resolveTimeouts(timeouts: ScenarioFile['timeouts']): TimeoutsScenario {
  return Object.freeze({
    ttlMs: timeouts.ttlSec === undefined ? undefined : msFromSec(timeouts.ttlSec),
    timeoutMs: timeouts.timeoutSec === undefined ? undefined : msFromSec(timeouts.timeoutSec),
  });
}

/** `breakers`, with core's window spec in ms. */
export function resolveBreakers(
  breakers: BreakersFile | undefined,
  issues: IssueList,
): BreakersScenario | undefined {
  if (breakers === undefined) return undefined;
  return Object.freeze({
    window: resolveWindow(breakers.window, issues),
    openDurationMs: msFromSec(breakers.openDurationSec),
    halfOpenProbes: breakers.halfOpenProbes,
    maxEjectionPercent: breakers.maxEjectionPercent,
  });
}

function resolveWindow(window: BreakersFile['window'], issues: IssueList): BreakerWindowSpec {
  if (window.kind === 'consecutive')
    return Object.freeze({ kind: 'consecutive', threshold: window.threshold });
  const at = 'breakers.window';
  if (window.slowCallRateThreshold !== undefined && window.slowCallDurationSec === undefined) {
    issues.add(`${at}.slowCallDurationSec`, 'must be set when slowCallRateThreshold is set', undefined);
  }
  const size = window.kind === 'count' ? window.size : Number.POSITIVE_INFINITY;
  const minimumCalls =
    window.minimumCalls ?? (window.kind === 'count' ? window.size : DEFAULT_TIME_WINDOW_MINIMUM_CALLS);
  if (minimumCalls > size) {
    // Such a window could never trip: core refuses it rather than clamp as resilience4j does.
    issues.add(`${at}.minimumCalls`, `must be ≤ size (${size})`, minimumCalls);
  }
  const thresholds = {
    minimumCalls,
    failureRateThreshold: window.failureRateThreshold,
    ...(window.slowCallRateThreshold === undefined
      ? {}
      : { slowCallRateThreshold: window.slowCallRateThreshold }),
    ...(window.slowCallDurationSec === undefined
      ? {}
      : { slowCallDurationMs: msFromSec(window.slowCallDurationSec) }),
  };
  return Object.freeze(
    window.kind === 'count'
      ? { kind: 'count', size: window.size, ...thresholds }
      : {
          kind: 'time',
          windowMs: msFromSec(window.windowSec),
          bucketCount: window.bucketCount,
          ...thresholds,
        },
  );
}

/**
 * `autoscaling` (one object or a list), checked against the agent types: the type exists, has one
 * autoscaler, and starts within `[minAgents, maxAgents]`.
 */
export function resolveAutoscaling(
  autoscaling: AutoscalerFile | readonly AutoscalerFile[] | undefined,
  agents: readonly AgentTypeScenario[],
  issues: IssueList,
): AutoscalingScenario[] {
  if (autoscaling === undefined) return [];
  const many = Array.isArray(autoscaling);
  const list: readonly AutoscalerFile[] = many ? autoscaling : [autoscaling as AutoscalerFile];
  const seen = new Set<string>();
  return list.map((scaler, i) => {
    const at = (field: string): string => (many ? `autoscaling[${i}].${field}` : `autoscaling.${field}`);
    const index = agents.findIndex((agent) => agent.type === scaler.type);
    const agent = agents[index];
    if (agent === undefined) {
      issues.add(
        at('type'),
        `must name an agent type (${agents.map((a) => a.type).join(' | ')})`,
        scaler.type,
      );
    } else if (seen.has(scaler.type)) {
      issues.add(at('type'), 'must be unique (one autoscaler per agent type)', scaler.type);
    }
    seen.add(scaler.type);
    if (scaler.maxAgents < scaler.minAgents) {
      issues.add(at('maxAgents'), `must be ≥ minAgents (${scaler.minAgents})`, scaler.maxAgents);
    } else if (agent !== undefined && agent.count > scaler.maxAgents) {
      issues.add(at('maxAgents'), `must be ≥ agents[${index}].count (${agent.count})`, scaler.maxAgents);
    } else if (agent !== undefined && agent.count < scaler.minAgents) {
      issues.add(at('minAgents'), `must be ≤ agents[${index}].count (${agent.count})`, scaler.minAgents);
    }
    return Object.freeze({
      type: scaler.type,
      minAgents: scaler.minAgents,
      maxAgents: scaler.maxAgents,
      targetUtilization: scaler.targetUtilization,
      scaleUpQueuePerAgent: scaler.scaleUpQueuePerAgent ?? Number.POSITIVE_INFINITY,
      hysteresis: scaler.hysteresis,
      cooldownMs: msFromSec(scaler.cooldownSec),
      evaluateEveryMs: msFromSec(scaler.evaluateEverySec),
      step: scaler.step,
    });
  });
}
