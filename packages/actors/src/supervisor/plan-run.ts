import { PRIORITIES, priorityLevel, type Priority } from '@flotilla/core';
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
  /** Most attempts running at once (the synthesize step runs alone). */
  readonly maxConcurrentSteps: number;
  /** One per plan step, in plan order, then the synthesize step if the plan has one. */
  readonly steps: readonly StepState[];
  /** Per plan step, how many of its dependencies are not settled (done or skipped) yet. */
  readonly waitingOn: readonly number[];
  /**
   * Plan steps whose dependencies are settled and that wait for room under `maxConcurrentSteps`: one
   * FIFO queue per priority level (0 = critical), in the order they became ready.
   */
  readonly ready: readonly (readonly number[])[];
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
export function initialRun(
  plan: Plan,
  delegate: Delegate,
  graph: PlanGraph,
  maxConcurrentSteps: number,
): PlanRun {
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
  const ready = PRIORITIES.map((): number[] => []);
  waitingOn.forEach((count, index) => {
    if (count === 0) ready[levelOf(plan, index)]?.push(index);
  });
  return {
    plan,
    delegate,
    graph,
    maxConcurrentSteps,
    steps,
    waitingOn,
    ready,
    progress: progressOf(steps),
    failure: undefined,
  };
}

/**
 * True once every plan step (not the synthesize step) is done or skipped. Meant for a run that has not
 * failed and whose synthesize step has not started: then the progress counts are plan steps only.
 */
export function allPlanStepsSettled(run: PlanRun): boolean {
  return run.failure === undefined && run.progress.done + run.progress.failed === run.plan.steps.length;
}

/**
 * Starts ready plan steps, as many as `maxConcurrentSteps` leaves room for: the most urgent priority
 * first, first ready first within a priority (the fleet's own dispatch order).
 */
export function launchReady(run: PlanRun): { run: PlanRun; launches: StepLaunch[] } {
  let room = run.maxConcurrentSteps - run.progress.running;
  if (room <= 0 || run.ready.every((queue) => queue.length === 0)) return { run, launches: [] };
  const chosen: number[] = [];
  const ready = run.ready.map((queue) => {
    if (room <= 0 || queue.length === 0) return queue;
    const taken = queue.slice(0, room);
    room -= taken.length;
    chosen.push(...taken);
    return queue.slice(taken.length);
  });
  return launchAll({ ...run, ready }, chosen);
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
  let ready = run.ready;
  const dependents = run.graph.dependents[index];
  if (dependents !== undefined && dependents.length > 0) {
    const counts = waitingOn.slice();
    const queues = ready.map((queue) => queue.slice());
    for (const dependent of dependents) {
      const count = (counts[dependent] as number) - 1;
      counts[dependent] = count;
      if (count === 0) queues[levelOf(run.plan, dependent)]?.push(dependent);
    }
    waitingOn = counts;
    ready = queues;
  }
  const progress = run.progress;
  return {
    ...run,
    steps,
    waitingOn,
    ready,
    progress: {
      ...progress,
      running: progress.running - 1,
      done: progress.done + (outcome.status === 'done' ? 1 : 0),
      failed: progress.failed + (outcome.status === 'done' ? 0 : 1),
    },
  };
}

function launchAll(run: PlanRun, indices: readonly number[]): { run: PlanRun; launches: StepLaunch[] } {
  if (indices.length === 0) return { run, launches: [] };
  const steps = run.steps.slice();
  let started = 0;
  const launches = indices.map((index): StepLaunch => {
    const state = steps[index] as StepState;
    if (state.status !== 'running') started++;
    const attempt = state.attempts + 1;
    const id = actorIdOf(index, attempt);
    steps[index] = { ...state, status: 'running', attempts: attempt, actorId: id };
    return { id, input: attemptInput(run, index, attempt) };
  });
  const progress = { ...run.progress, running: run.progress.running + started };
  return { run: { ...run, steps, progress }, launches };
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

/** Priority level (0 = critical) of plan step `index`; `medium` when it names none. */
function levelOf(plan: Plan, index: number): number {
  return priorityLevel(plan.steps[index]?.priority ?? 'medium');
}

/** Progress counts of `steps`, counted afresh (events update them incrementally). */
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
