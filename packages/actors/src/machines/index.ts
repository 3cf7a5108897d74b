/**
 * The control-plane machines (XState v5) and the pure policies beside them. Each machine is pure logic:
 * time reaches it only through the clock given to `createActor` ({@link toXStateClock}).
 */
export { toXStateClock, type XStateClock } from './xstate-clock.js';
export {
  agentMachine,
  agentFlagsOf,
  readyAgentSnapshot,
  restartBackoffDelayMs,
  validateAgentInput,
  MAX_RESTART_BACKOFF_MS,
  type AgentContext,
  type AgentEvent,
  type AgentInput,
  type AgentSnapshot,
  type AgentStateValue,
} from './agent-machine.js';
export {
  delegatorMachine,
  admissionOf,
  dispatchAllowed,
  type Admission,
  type DelegatorEvent,
  type DelegatorSnapshot,
  type DelegatorStateValue,
} from './delegator-machine.js';
export {
  breakerMachine,
  breakerAdmits,
  validateBreakerInput,
  MAX_HALF_OPEN_PROBES,
  type BreakerContext,
  type BreakerEvent,
  type BreakerInput,
  type BreakerSnapshot,
  type BreakerStateValue,
} from './breaker-machine.js';
export {
  createRestartIntensity,
  MAX_RESTART_INTENSITY,
  type RestartDecision,
  type RestartIntensity,
  type RestartIntensityOptions,
  type RestartIntensityState,
} from './restart-intensity.js';
