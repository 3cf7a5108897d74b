import type { Priority } from '@flotilla/core';
import { SYNTHESIZE_STEP_ID, type Delegate, type Plan, type PlanStep, type StepResults } from './plan.js';
import type { PlanGraph } from './validate-plan.js';

/**
 * The pure bookkeeping of a plan run, beside the machine that drives it (XState-core style): every
 * function returns new arrays and never mutates, so a snapshot can be branched (model-based tests explore
 * many futures from one) and compared.
 */

/** Where a step stands. `cancelled`: it was running when another step failed the plan. */
export type StepStatus = 'pending' | 'running' | 'done' | 'skipped' | 'failed' | 'cancelled';

/** A step's run state, in a supervisor's context. */
export interface StepState {
  readonly id: string;
  readonly status: StepStatus;
  /** Delegations so far (1 after the first, 2 after the first retry, …). */
  readonly attempts: number;
  /** Id of the child actor of the latest attempt. */
  readonly actorId: string | undefined;
  /** The step's result, once `done`. */
  readonly result: unknown;
  /** The latest attempt's error, if it failed. */
  readonly error: unknown;
}

/** Aggregated progress of a plan; the synthesize step counts as one step. */
export interface SupervisorProgress {
  readonly total: number;
  readonly done: number;
  /** Steps that failed for good, including those ignored (`skipped`). */
  readonly failed: number;
  readonly running: number;
}

/** Why a plan failed. */
export interface PlanFailure {
  /** The failing step's id, or `'$synthesize'`. */
  readonly stepId: string;
  readonly error: unknown;
  readonly attempts: number;
}

/** What a supervisor's child actor receives: one attempt of one step. */
export interface StepAttemptInput {
  readonly delegate: Delegate;
  readonly stepId: string;
  readonly type: string;
  /** The step's `input`: a payload, or a function of `results`. */
  readonly input: unknown;
  /** Results of the step's dependencies (all steps, for the synthesize step). */
  readonly results: StepResults;
  readonly priority?: Priority;
  readonly timeoutMs?: number;
  readonly attempt: number;
}

/** One child actor to start. */
export interface StepLaunch {
  readonly id: string;
  readonly input: StepAttemptInput;
}

/** The data part of a supervisor's context. */
export interface PlanRun {
  readonly plan: Plan;
  readonly delegate: Delegate;
  readonly graph: PlanGraph;
  /** One per plan step, in plan order, then the synthesize step if the plan has one. */
  readonly steps: readonly StepState[];
  /** Per plan step, how many of its dependencies are not settled (done or skipped) yet. */
  readonly waitingOn: readonly number[];
  readonly progress: SupervisorProgress;
  readonly failure: PlanFailure | undefined;
}

/** The child actor id of attempt `attempt` of step `index`: ids are never reused across retries. */
export function actorIdOf(index: number, attempt: number): string {
  return `step-${index}-${attempt}`;
}

const ACTOR_ID = /^step-(\d+)-\d+$/;

/** The step whose latest attempt is the running child `actorId`, or `undefined` (a stale or foreign id). */
export function runningStepOf(run: PlanRun, actorId: string): number | undefined {
  const match = ACTOR_ID.exec(actorId);
  if (match === null) return undefined;
  const index = Number(match[1]);
  const step = run.steps[index];
  return step !== undefined && step.status === 'running' && step.actorId === actorId ? index : undefined;
}

/** The run before any step started. */
export function initialRun(plan: Plan, delegate: Delegate, graph: PlanGraph): PlanRun {
  const ids = plan.steps.map((step) => step.id);
  if (plan.synthesize !== undefined) ids.push(SYNTHESIZE_STEP_ID);
  const steps = ids.map((id): StepState => ({
    id,
    status: 'pending',
    attempts: 0,
    actorId: undefined,
    result: undefined,
    error: undefined,
  }));
  const waitingOn = graph.dependencies.map((dependencies) => dependencies.length);
  return { plan, delegate, graph, steps, waitingOn, progress: progressOf(steps), failure: undefined };
}

/** True once every plan step (not the synthesize step) is done or skipped. */
export function allPlanStepsSettled(run: PlanRun): boolean {
  for (let i = 0; i < run.plan.steps.length; i++) {
    const status = (run.steps[i] as StepState).status;
    if (status !== 'done' && status !== 'skipped') return false;
  }
  return true;
}

/** Starts every pending plan step whose dependencies are all settled. */
export function launchReady(run: PlanRun): { run: PlanRun; launches: StepLaunch[] } {
  const ready: number[] = [];
  for (let i = 0; i < run.plan.steps.length; i++) {
    if ((run.steps[i] as StepState).status === 'pending' && run.waitingOn[i] === 0) ready.push(i);
  }
  return launchAll(run, ready);
}

/** Starts the synthesize step, with every plan step's result. */
export function launchSynthesize(run: PlanRun): { run: PlanRun; launches: StepLaunch[] } {
  return launchAll(run, [run.plan.steps.length]);
}

/** Starts the next attempt of running step `index` after its latest attempt failed. */
export function relaunch(run: PlanRun, index: number, error: unknown): { run: PlanRun; launch: StepLaunch } {
  const steps = run.steps.slice();
  steps[index] = { ...(steps[index] as StepState), error };
  const { run: next, launches } = launchAll({ ...run, steps }, [index]);
  return { run: next, launch: launches[0] as StepLaunch };
}

/** Records the success of running step `index` and releases its dependents. */
export function completeStep(run: PlanRun, index: number, result: unknown): PlanRun {
  return settle(run, index, { status: 'done', result, error: undefined });
}

/** Records running step `index` as failed and ignored; its dependents run without its result. */
export function skipStep(run: PlanRun, index: number, error: unknown): PlanRun {
  return settle(run, index, { status: 'skipped', result: undefined, error });
}

/**
 * Fails the plan at step `index`: that step is `failed`, every other running step `cancelled`. Returns the
 * child actors to stop.
 */
export function failRun(run: PlanRun, index: number, error: unknown): { run: PlanRun; stop: string[] } {
  const stop: string[] = [];
  const steps = run.steps.map((step, i): StepState => {
    if (i === index) return { ...step, status: 'failed', error };
    if (step.status !== 'running') return step;
    if (step.actorId !== undefined) stop.push(step.actorId);
    return { ...step, status: 'cancelled' };
  });
  const failed = steps[index] as StepState;
  return {
    run: {
      ...run,
      steps,
      progress: progressOf(steps),
      failure: { stepId: failed.id, error, attempts: failed.attempts },
    },
    stop,
  };
}

/** Results of the settled plan steps among `indices`: done ones with their result, skipped ones `undefined`. */
export function resultsOf(run: PlanRun, indices: Iterable<number>): StepResults {
  const entries: Array<[string, unknown]> = [];
  for (const index of indices) {
    const step = run.steps[index] as StepState;
    if (step.status === 'done' || step.status === 'skipped') entries.push([step.id, step.result]);
  }
  // fromEntries defines own properties: a step called "__proto__" cannot reach the prototype.
  return Object.fromEntries(entries);
}

/** Results of every settled plan step. */
export function allResults(run: PlanRun): StepResults {
  return resultsOf(run, run.plan.steps.keys());
}

function settle(
  run: PlanRun,
  index: number,
  outcome: Pick<StepState, 'status' | 'result' | 'error'>,
): PlanRun {
  const steps = run.steps.slice();
  steps[index] = { ...(steps[index] as StepState), ...outcome };
  let waitingOn = run.waitingOn;
  const dependents = run.graph.dependents[index];
  if (dependents !== undefined && dependents.length > 0) {
    const counts = waitingOn.slice();
    for (const dependent of dependents) counts[dependent] = (counts[dependent] as number) - 1;
    waitingOn = counts;
  }
  return { ...run, steps, waitingOn, progress: progressOf(steps) };
}

function launchAll(run: PlanRun, indices: readonly number[]): { run: PlanRun; launches: StepLaunch[] } {
  if (indices.length === 0) return { run, launches: [] };
  const steps = run.steps.slice();
  const launches = indices.map((index): StepLaunch => {
    const state = steps[index] as StepState;
    const attempt = state.attempts + 1;
    const id = actorIdOf(index, attempt);
    steps[index] = { ...state, status: 'running', attempts: attempt, actorId: id };
    return { id, input: attemptInput(run, index, attempt) };
  });
  return { run: { ...run, steps, progress: progressOf(steps) }, launches };
}

function attemptInput(run: PlanRun, index: number, attempt: number): StepAttemptInput {
  const step: PlanStep | undefined = run.plan.steps[index];
  const spec = step ?? run.plan.synthesize;
  if (spec === undefined) throw new RangeError(`supervisor: no step at index ${index}`);
  const results =
    step === undefined ? allResults(run) : resultsOf(run, run.graph.dependencies[index] as readonly number[]);
  // The synthesize step without an input function gets the results object itself as its payload.
  const input = step === undefined ? (run.plan.synthesize?.input ?? results) : step.input;
  return {
    delegate: run.delegate,
    stepId: (run.steps[index] as StepState).id,
    type: spec.type,
    input,
    results,
    attempt,
    ...(spec.priority === undefined ? {} : { priority: spec.priority }),
    ...(spec.timeoutMs === undefined ? {} : { timeoutMs: spec.timeoutMs }),
  };
}

/** Progress counts of `steps`. */
function progressOf(steps: readonly StepState[]): SupervisorProgress {
  let done = 0;
  let failed = 0;
  let running = 0;
  for (const step of steps) {
    if (step.status === 'done') done++;
    else if (step.status === 'failed' || step.status === 'skipped') failed++;
    else if (step.status === 'running') running++;
  }
  return { total: steps.length, done, failed, running };
}
