/**
 * The autoscaler: per agent type, decides from utilization, queue depth and rate limiting when to add
 * agents and which idle agent to drain, with hysteresis and cooldown against flapping.
 *
 * @packageDocumentation
 */
export {
  validateAutoscalerConfig,
  MAX_AGENTS_LIMIT,
  type AutoscalerConfig,
  type ResolvedAutoscalerConfig,
} from './autoscaler-config.js';
export {
  autoscaleDecision,
  checkMetrics,
  isBlockedHold,
  AUTOSCALE_REASONS,
  type AutoscaleMetrics,
  type AutoscaleDecision,
  type AutoscaleDecisionKind,
  type AutoscaleReason,
} from './autoscale-decision.js';
export {
  autoscalerMachine,
  DECISION_LOG_LIMIT,
  type AutoscalerContext,
  type AutoscalerEvent,
  type AutoscalerEmitted,
} from './autoscaler-machine.js';
