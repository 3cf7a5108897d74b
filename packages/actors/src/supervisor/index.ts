/**
 * The supervisor: runs a plan (a DAG of steps delegated to the fleet, then a synthesize step), and the
 * restart strategy for the agents a supervisor owns.
 *
 * @packageDocumentation
 */
export {
  SYNTHESIZE_STEP_ID,
  type Plan,
  type PlanStep,
  type SynthesizeStep,
  type StepFailurePolicy,
  type StepResults,
  type Delegate,
  type DelegateRequest,
} from './plan.js';
export { validatePlan, MAX_STEP_RETRIES, type PlanGraph } from './validate-plan.js';
export {
  pipeline,
  fanOut,
  mapReduce,
  type PipelineStage,
  type FanOutOptions,
  type MapReduceOptions,
  type StepOptions,
} from './plan-builders.js';
export type {
  StepStatus,
  StepState,
  SupervisorProgress,
  PlanFailure,
  PlanRun,
  StepAttemptInput,
} from './plan-run.js';
export {
  supervisorMachine,
  progressOf,
  DEFAULT_MAX_CONCURRENT_STEPS,
  type SupervisorInput,
  type SupervisorContext,
  type SupervisorEvent,
  type SupervisorOutput,
} from './supervisor-machine.js';
export {
  createRestartStrategy,
  RESTART_STRATEGIES,
  MAX_RESTARTS_LIMIT,
  type RestartStrategy,
  type RestartStrategyKind,
  type RestartStrategyOptions,
  type RestartStrategyState,
  type RestartStrategyDecision,
} from './restart-strategy.js';
