import { checkInteger, checkName, checkNumber, ConfigError, isConfigError } from '@flotilla/core';
import {
  validateAutoscalerConfig,
  type AutoscalerConfig,
  type ResolvedAutoscalerConfig,
} from './autoscaler-config.js';

/** What the runtime measures of one agent type, for an autoscaling decision. */
interface AutoscaleMetricsBase {
  /** The runtime's clock time of the measurement; stamped on the decision. */
  readonly nowMs: number;
  /** Agents of the type now (starting and draining ones excluded). */
  readonly agents: number;
  /** Tasks of the type waiting for an agent. */
  readonly queueDepth: number;
  /**
   * True when the type's token bucket is holding tasks back: then the bucket, not the agents, is the
   * bottleneck, and more agents would only sit idle.
   */
  readonly rateLimited: boolean;
  /** Agents with nothing in flight, candidates for a graceful drain; oldest first. */
  readonly idleAgentIds: readonly string[];
}

/**
 * Metrics of one agent type: utilization either as a share in `[0, 1]` or as a count of busy agents
 * (`busyAgents / agents`; 0 when there are no agents).
 */
export type AutoscaleMetrics = AutoscaleMetricsBase &
  (
    | { readonly utilization: number; readonly busyAgents?: never }
    | { readonly busyAgents: number; readonly utilization?: never }
  );

/** The three kinds of decision. */
export type AutoscaleDecisionKind = 'scale-up' | 'scale-down' | 'hold';

/** Why an autoscaler decided what it did. */
export const AUTOSCALE_REASONS = [
  // scale-up
  'below-min',
  'utilization-high',
  'queue-high',
  // scale-down
  'above-max',
  'utilization-low',
  // hold
  'within-band',
  'rate-limited',
  'at-max',
  'at-min',
  'no-idle-agent',
] as const;

/** One of {@link AUTOSCALE_REASONS}. */
export type AutoscaleReason = (typeof AUTOSCALE_REASONS)[number];

/** An autoscaling decision for one agent type: plain data, for the decision log and the event stream. */
export interface AutoscaleDecision {
  readonly kind: AutoscaleDecisionKind;
  readonly type: string;
  /** Agents when the decision was made. */
  readonly from: number;
  /** Agents wanted; equal to `from` for a hold. */
  readonly to: number;
  readonly reason: AutoscaleReason;
  /** The reason in words, with the numbers that led to it. */
  readonly detail: string;
  /** The `nowMs` of the metrics decided on. */
  readonly atMs: number;
  /** For a scale-down: the idle agent to drain (it takes no new task and stops). */
  readonly drainAgentId?: string;
}

/**
 * The pure autoscaling rule (the `transition` beside the autoscaler machine). In order:
 * 1. fewer agents than `minAgents`: scale up to `minAgents`; more than `maxAgents`: scale down;
 * 2. utilization above `target · (1 + hysteresis)`, or more than `scaleUpQueuePerAgent` queued tasks per
 *    agent (any queued task with no agent at all): scale up by `step`, up to `maxAgents`;
 * 3. utilization below `target · (1 − hysteresis)` with an empty queue: scale down by one idle agent,
 *    down to `minAgents`;
 * 4. otherwise hold (`within-band`).
 *
 * A wanted scale-up is held back with reason `rate-limited` whenever `metrics.rateLimited` is true (more
 * agents would wait on the same token bucket), or `at-max`. A wanted scale-down is held with `at-min`, or
 * `no-idle-agent` when no agent is idle: only idle agents are drained, the newest one first (the last of
 * `idleAgentIds`), so warm long-lived agents stay. Whatever the metrics, `to` never leaves
 * `[minAgents, maxAgents]` when `from` is inside it.
 *
 * Throws a {@link ConfigError} for a bad config or bad metrics, naming the field and the value.
 *
 * @example
 * ```ts
 * const config = { type: 'writer', minAgents: 1, maxAgents: 4, targetUtilization: 0.5,
 *   scaleUpQueuePerAgent: 2, hysteresis: 0.2, cooldownMs: 10_000 };
 * const metrics = { nowMs: 0, agents: 2, queueDepth: 0, idleAgentIds: [] };
 * autoscaleDecision(config, { ...metrics, busyAgents: 2, rateLimited: false }); // scale-up 2 → 3, 'utilization-high'
 * autoscaleDecision(config, { ...metrics, busyAgents: 2, rateLimited: true }); // hold 2 → 2, 'rate-limited'
 * autoscaleDecision(config, { ...metrics, utilization: 0.55, rateLimited: false }); // hold, 'within-band'
 * ```
 */
export function autoscaleDecision(config: AutoscalerConfig, metrics: AutoscaleMetrics): AutoscaleDecision {
  const resolved = validateAutoscalerConfig(config);
  checkMetrics(metrics);
  return decide(resolved, metrics);
}

/**
 * Throws a {@link ConfigError} naming the first bad field of `metrics` (`metrics.agents`, …); returns
 * nothing when they are usable.
 *
 * @example
 * ```ts
 * checkMetrics({ nowMs: 0, agents: 2, busyAgents: 3, queueDepth: 0, rateLimited: false, idleAgentIds: [] });
 * // ConfigError: metrics.busyAgents must be ≤ 2, got 3
 * ```
 */
export function checkMetrics(metrics: AutoscaleMetrics): void {
  if (typeof metrics !== 'object' || metrics === null)
    throw new ConfigError('metrics', 'be an object', metrics);
  checkNumber('metrics.nowMs', metrics.nowMs);
  const agents = checkInteger('metrics.agents', metrics.agents, 0);
  checkNumber('metrics.queueDepth', metrics.queueDepth, { min: 0 });
  if (typeof metrics.rateLimited !== 'boolean') {
    throw new ConfigError('metrics.rateLimited', 'be a boolean', metrics.rateLimited);
  }
  const idle: unknown = metrics.idleAgentIds;
  if (!Array.isArray(idle)) throw new ConfigError('metrics.idleAgentIds', 'be an array of agent ids', idle);
  idle.forEach((id: unknown, i) => checkName(`metrics.idleAgentIds[${i}]`, id));
  if (idle.length > agents) {
    throw new ConfigError('metrics.idleAgentIds', `hold at most metrics.agents (${agents}) ids`, idle);
  }
  const hasUtilization = metrics.utilization !== undefined;
  if (hasUtilization === (metrics.busyAgents !== undefined)) {
    throw new ConfigError('metrics', 'have exactly one of utilization and busyAgents', metrics);
  }
  if (hasUtilization) checkNumber('metrics.utilization', metrics.utilization, { min: 0, max: 1 });
  else checkInteger('metrics.busyAgents', metrics.busyAgents, 0, agents);
}

/** The {@link ConfigError} {@link checkMetrics} would throw, or `undefined`. */
export function metricsError(metrics: AutoscaleMetrics): ConfigError | undefined {
  try {
    checkMetrics(metrics);
    return undefined;
  } catch (error) {
    if (isConfigError(error)) return error;
    throw error;
  }
}

/**
 * True for a hold that a scaling need ran into (`rate-limited`, `at-max`, `no-idle-agent`): worth a line
 * in the decision log, where a plain `within-band` or `at-min` hold is not.
 *
 * @example
 * ```ts
 * isBlockedHold(autoscaleDecision(config, { ...metrics, rateLimited: true })); // true when it wanted to grow
 * ```
 */
export function isBlockedHold(decision: AutoscaleDecision): boolean {
  return (
    decision.kind === 'hold' &&
    (decision.reason === 'rate-limited' ||
      decision.reason === 'at-max' ||
      decision.reason === 'no-idle-agent')
  );
}

/** {@link autoscaleDecision} for a validated config and checked metrics. */
export function decide(config: ResolvedAutoscalerConfig, metrics: AutoscaleMetrics): AutoscaleDecision {
  const { agents, queueDepth } = metrics;
  const utilization = metrics.utilization ?? (agents === 0 ? 0 : (metrics.busyAgents as number) / agents);
  const upAt = config.targetUtilization * (1 + config.hysteresis);
  const downAt = config.targetUtilization * (1 - config.hysteresis);
  const make = (kind: AutoscaleDecisionKind, to: number, reason: AutoscaleReason, detail: string) => ({
    kind,
    type: config.type,
    from: agents,
    to,
    reason,
    detail,
    atMs: metrics.nowMs,
  });
  const hold = (reason: AutoscaleReason, detail: string) => make('hold', agents, reason, detail);

  const up = (reason: AutoscaleReason, why: string): AutoscaleDecision => {
    if (metrics.rateLimited) {
      return hold(
        'rate-limited',
        `${why}, but the type's token bucket is the bottleneck: more agents would sit idle`,
      );
    }
    if (agents >= config.maxAgents)
      return hold('at-max', `${why}, but already at maxAgents ${config.maxAgents}`);
    const to = reason === 'below-min' ? config.minAgents : Math.min(config.maxAgents, agents + config.step);
    return make('scale-up', to, reason, why);
  };
  const down = (reason: AutoscaleReason, why: string): AutoscaleDecision => {
    if (agents <= config.minAgents)
      return hold('at-min', `${why}, but already at minAgents ${config.minAgents}`);
    const drainAgentId = metrics.idleAgentIds[metrics.idleAgentIds.length - 1];
    if (drainAgentId === undefined) return hold('no-idle-agent', `${why}, but no agent is idle to drain`);
    return { ...make('scale-down', agents - 1, reason, why), drainAgentId };
  };

  if (agents < config.minAgents) return up('below-min', `${agents} agents < minAgents ${config.minAgents}`);
  if (agents > config.maxAgents) return down('above-max', `${agents} agents > maxAgents ${config.maxAgents}`);
  if (utilization > upAt) {
    return up('utilization-high', `utilization ${round(utilization)} > ${round(upAt)}`);
  }
  const queueHigh = agents === 0 ? queueDepth > 0 : queueDepth / agents > config.scaleUpQueuePerAgent;
  if (queueHigh) {
    return up(
      'queue-high',
      agents === 0
        ? `${queueDepth} tasks queued and no agent`
        : `${round(queueDepth / agents)} tasks queued per agent > ${config.scaleUpQueuePerAgent}`,
    );
  }
  if (utilization < downAt && queueDepth === 0) {
    return down(
      'utilization-low',
      `utilization ${round(utilization)} < ${round(downAt)} with an empty queue`,
    );
  }
  if (utilization < downAt) {
    return hold(
      'within-band',
      `utilization ${round(utilization)} < ${round(downAt)}, but ${queueDepth} tasks queued`,
    );
  }
  return hold('within-band', `utilization ${round(utilization)} within [${round(downAt)}, ${round(upAt)}]`);
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
