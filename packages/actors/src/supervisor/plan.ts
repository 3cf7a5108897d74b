import type { Priority } from '@flotilla/core';

/**
 * Results of finished steps, keyed by step id. A step's input function receives the results of its own
 * dependencies; the synthesize step and the supervisor's output receive every settled step. A step that
 * failed under the `ignore` policy is present with the value `undefined`.
 */
export type StepResults = Readonly<Record<string, unknown>>;

/**
 * What a supervisor does when a step fails (its delegate promise rejects):
 * - `'fail'` (default): fail the whole plan: stop the other running steps, end in `failed`;
 * - `'ignore'`: record the step as `skipped`; dependents still run, seeing `results[id] === undefined`;
 * - `{ retry: n }`: delegate the step again, up to `n` more times, then fail the plan.
 *
 * Retries are immediate: delay and jitter between attempts belong to the fleet's own retry policy, which
 * a delegated task already goes through.
 */
export type StepFailurePolicy = 'fail' | 'ignore' | { readonly retry: number };

/**
 * One step of a {@link Plan}: a task of agent type `type`, delegated once every step in `dependsOn` is
 * settled.
 */
export interface PlanStep {
  /** Unique within the plan; names the step in results, progress and errors. */
  readonly id: string;
  /** The agent type that runs the step. */
  readonly type: string;
  /**
   * The task payload, or a function of the dependencies' results that returns it. The function runs when
   * the step is delegated (again on each retry); if it throws, that attempt fails under the step's policy.
   */
  readonly input?: unknown;
  /** Ids of the steps whose results this one needs. */
  readonly dependsOn?: readonly string[];
  readonly priority?: Priority;
  /** Forwarded to the delegate; the fleet enforces it (see {@link DelegateRequest.timeoutMs}). */
  readonly timeoutMs?: number;
  /** Default `'fail'`. */
  readonly onFailure?: StepFailurePolicy;
}

/** The last step of a {@link Plan}: runs once every other step is settled, and its result is the plan's. */
export interface SynthesizeStep {
  readonly type: string;
  /** Builds the payload from every step's result; without it the payload is that results object. */
  readonly input?: (results: StepResults) => unknown;
  readonly priority?: Priority;
  readonly timeoutMs?: number;
}

/**
 * A job decomposed into a DAG of steps, plus an optional synthesize step. Check one with `validatePlan`,
 * or build one with `pipeline`, `fanOut` or `mapReduce`.
 *
 * @example
 * ```ts
 * const plan: Plan = {
 *   steps: [
 *     { id: 'search', type: 'searcher', input: { q: 'flotilla' } },
 *     { id: 'summary', type: 'writer', dependsOn: ['search'], input: (r) => r['search'] },
 *   ],
 * };
 * ```
 */
export interface Plan {
  readonly steps: readonly PlanStep[];
  readonly synthesize?: SynthesizeStep;
}

/**
 * The step id under which the synthesize step is delegated and reported; no plan step may use it.
 */
export const SYNTHESIZE_STEP_ID = '$synthesize';

/** What the supervisor asks of the fleet for one attempt of one step. */
export interface DelegateRequest {
  /** The plan step's id, or {@link SYNTHESIZE_STEP_ID}. */
  readonly stepId: string;
  readonly type: string;
  /** The payload: the step's `input`, or what its input function returned. */
  readonly input: unknown;
  readonly priority?: Priority;
  /**
   * The step's time budget. The supervisor sets no timer of its own: the fleet times the task out and
   * reports it as one outcome, so a supervisor-side timer could only race the fleet's and disagree.
   */
  readonly timeoutMs?: number;
  /** 1 for the first delegation of the step, 2 for its first retry, … */
  readonly attempt: number;
  /**
   * Aborted when the supervisor no longer wants the result: another step failed the plan, or the
   * supervisor actor was stopped. Wire it to `fleet.cancel` so the task does not run on for nothing.
   */
  readonly signal: AbortSignal;
}

/**
 * How steps reach the fleet: resolves with the step's result, rejects with its error. The runtime wires it
 * to `fleet.submit`; tests and the simulator pass fakes.
 *
 * @example
 * ```ts
 * const delegate: Delegate = (request) => {
 *   const handle = fleet.submit({ type: request.type, payload: request.input, priority: request.priority });
 *   request.signal.addEventListener('abort', () => fleet.cancel(handle.id));
 *   return handle.result;
 * };
 * ```
 */
export type Delegate = (request: DelegateRequest) => Promise<unknown>;
