export {
  parseScenario,
  loadScenario,
  validateScenario,
  INLINE_ORIGIN,
  type ScenarioOptions,
} from './load.js';
export { withOverrides, type ScenarioOverrides } from './overrides.js';
export { scenarioJsonSchema, scenarioJsonSchemaText, SCENARIO_SCHEMA_FILE } from './json-schema.js';
export {
  ScenarioError,
  isScenarioError,
  formatIssue,
  formatPath,
  INVALID_SCENARIO,
  type ScenarioIssue,
} from './scenario-error.js';
export {
  agentSpeed,
  agentId,
  type Scenario,
  type RunLimit,
  type AgentTypeScenario,
  type ServiceModel,
  type AgentSpeed,
  type WorkloadScenario,
  type ArrivalsScenario,
  type TraceArrivals,
  type TraceFileFormat,
  type QueueScenario,
  type RetriesScenario,
  type TimeoutsScenario,
  type BreakersScenario,
  type AutoscalingScenario,
  type AgentRef,
  type AgentSelection,
  type FaultTarget,
  type FaultWindow,
  type FaultScenario,
  type NetworkPartition,
} from './scenario.js';
export {
  scenarioSchema,
  DEFAULT_SEED,
  DEFAULT_STRATEGY,
  type ScenarioFile,
  type ScenarioFileInput,
} from './schema.js';
export { DEFAULT_MAX_QUEUE_DEPTH } from './policies-schema.js';
export { DEFAULT_RESTART_DELAY_SEC, DEFAULT_ERROR_CODE, DEFAULT_RATE_LIMIT_CODE } from './faults-schema.js';
export { MAX_AGENTS_PER_TYPE, MAX_AGENT_CAPACITY } from './agents-schema.js';
export { TRACE_SOURCE_NAMES, MAX_CLIENTS } from './workload-schema.js';
export { scaleDistribution } from './distribution-schema.js';
export {
  NAMED_TRACES,
  TRACES_ENV,
  findRepositoryRoot,
  locateTracesDir,
  locateTrace,
  type TraceSourceName,
  type TraceLocation,
} from './traces.js';
