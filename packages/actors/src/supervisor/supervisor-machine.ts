import { checkInteger, ConfigError } from '@flotilla/core';
import { and, assign, enqueueActions, setup, type DoneActorEvent, type ErrorActorEvent } from 'xstate';
import type { Delegate, Plan, StepResults } from './plan.js';
import {
  allPlanStepsSettled,
  allResults,
  completeStep,
  failRun,
  initialRun,
  launchReady,
  launchSynthesize,
  relaunch,
  runningStepOf,
  skipStep,
  type PlanRun,
  type SupervisorProgress,
} from './plan-run.js';
import { stepAttemptActor } from './step-actor.js';
import { compilePlan } from './validate-plan.js';

/** Default of {@link SupervisorInput.maxConcurrentSteps}. */
export const DEFAULT_MAX_CONCURRENT_STEPS = 64;

/** Input of {@link supervisorMachine}. */
export interface SupervisorInput {
  readonly plan: Plan;
  /** How steps reach the fleet; see {@link Delegate}. */
  readonly delegate: Delegate;
  /**
   * Most steps delegated and not settled at once: an integer ≥ 1, or `Infinity`; default 64. Ready steps
   * beyond it wait in the supervisor, most urgent priority first, first ready first within a priority.
   *
   * Why a limit: each running step is a child actor, and XState copies the parent's map of children on
   * every spawn and stop, so the cost of each step grows with the number running (measured: a
   * 3,000-step fan-out costs about twice as much per step at 256 as at 64). The fleet's queue does the
   * real admission control; this only bounds the supervisor's own bookkeeping.
   */
  readonly maxConcurrentSteps?: number;
}

/** Context of {@link supervisorMachine}: the plan run, read it for progress and per-step status. */
export type SupervisorContext = PlanRun;

/**
 * Events of {@link supervisorMachine}: only the completions of its own step actors. A supervisor takes no
 * commands; stop the actor to cancel the plan (every running step's abort signal fires).
 */
export type SupervisorEvent = DoneActorEvent<unknown> | ErrorActorEvent<unknown>;

/** Output of {@link supervisorMachine}, by the final state it ended in. */
export type SupervisorOutput =
  | {
      readonly status: 'done';
      /** The synthesize step's result; without one, the result of the step listed last in the plan. */
      readonly result: unknown;
      readonly results: StepResults;
    }
  | {
      readonly status: 'failed';
      /** The step that failed the plan, or `'$synthesize'`. */
      readonly stepId: string;
      readonly error: unknown;
      /** Results of the steps that had settled. */
      readonly results: StepResults;
    };

/**
 * Runs a {@link Plan}: delegates every step whose dependencies are settled, all ready steps at once up to
 * `maxConcurrentSteps` (one promise child actor per running step), passes results forward, applies each
 * step's failure policy, then runs the synthesize step.
 *
 * States: `running` → (`synthesizing` →) `done`, or `failed` as soon as a step fails under the `'fail'`
 * policy (or exhausts its retries) or the synthesize step fails; the other running steps are then stopped.
 * Both `done` and `failed` are final; the output says which (see {@link SupervisorOutput}).
 *
 * The input is checked as by `validatePlan`; call that first to get the {@link ConfigError} before
 * creating the actor.
 *
 * @example
 * ```ts
 * const actor = createActor(supervisorMachine, {
 *   input: { plan: fanOut(['a', 'b'], 'summarize', { synthesize: { type: 'merge' } }), delegate },
 *   clock,
 * });
 * actor.subscribe((snapshot) => console.log(`${Math.round(progressOf(snapshot) * 100)}%`));
 * actor.start();
 * const output = await toPromise(actor); // { status: 'done', result, results }
 * ```
 */
export const supervisorMachine = setup({
  types: {
    input: {} as SupervisorInput,
    context: {} as SupervisorContext,
    events: {} as SupervisorEvent,
    output: {} as SupervisorOutput,
  },
  actors: { stepAttempt: stepAttemptActor },
  guards: {
    isRunningStep: ({ context, event }) => runningStepOf(context, event.actorId) !== undefined,
    canRetry: ({ context, event }) => {
      const index = runningStepOf(context, event.actorId);
      if (index === undefined) return false;
      const policy = context.plan.steps[index]?.onFailure;
      const attempts = context.steps[index]?.attempts ?? 0;
      return typeof policy === 'object' && attempts <= policy.retry;
    },
    isIgnored: ({ context, event }) => {
      const index = runningStepOf(context, event.actorId);
      return index !== undefined && context.plan.steps[index]?.onFailure === 'ignore';
    },
    allStepsSettled: ({ context }) => allPlanStepsSettled(context),
    hasSynthesize: ({ context }) => context.plan.synthesize !== undefined,
  },
  actions: {
    // Children are spawned from inside one assign: XState then copies its children map once per event,
    // where a spawnChild action per step would copy it once per step (quadratic on a wide fan-out).
    // Always the function form of assign: the object form would take `delegate`, a function, for a
    // property assigner and call it.
    launchReady: assign(({ context, spawn }) => {
      const { run, launches } = launchReady(context);
      for (const launch of launches) spawn('stepAttempt', launch);
      return run;
    }),
    launchSynthesize: assign(({ context, spawn }) => {
      const { run, launches } = launchSynthesize(context);
      for (const launch of launches) spawn('stepAttempt', launch);
      return run;
    }),
    completeStep: enqueueActions(({ context, event, enqueue }) => {
      const index = runningStepOf(context, event.actorId);
      if (index === undefined || !('output' in event)) return;
      enqueue.assign(() => completeStep(context, index, event.output));
      enqueue.stopChild(event.actorId);
    }),
    retryStep: enqueueActions(({ context, event, enqueue }) => {
      const index = runningStepOf(context, event.actorId);
      if (index === undefined || !('error' in event)) return;
      const { run, launch } = relaunch(context, index, event.error);
      enqueue.stopChild(event.actorId);
      enqueue.assign(({ spawn }) => {
        spawn('stepAttempt', launch);
        return run;
      });
    }),
    skipStep: enqueueActions(({ context, event, enqueue }) => {
      const index = runningStepOf(context, event.actorId);
      if (index === undefined || !('error' in event)) return;
      enqueue.assign(() => skipStep(context, index, event.error));
      enqueue.stopChild(event.actorId);
    }),
    failPlan: enqueueActions(({ context, event, enqueue }) => {
      const index = runningStepOf(context, event.actorId);
      if (index === undefined || !('error' in event)) return;
      const { run, stop } = failRun(context, index, event.error);
      enqueue.assign(() => run);
      // Stopping a promise actor aborts its signal: the delegate cancels the fleet task.
      for (const actorId of [event.actorId, ...stop]) enqueue.stopChild(actorId);
    }),
  },
}).createMachine({
  id: 'supervisor',
  context: ({ input }) => {
    const graph = compilePlan(input.plan);
    if (typeof input.delegate !== 'function') {
      throw new ConfigError('delegate', 'be a function (request) => Promise', input.delegate);
    }
    const limit = input.maxConcurrentSteps ?? DEFAULT_MAX_CONCURRENT_STEPS;
    if (limit !== Number.POSITIVE_INFINITY) checkInteger('maxConcurrentSteps', limit, 1);
    return initialRun(input.plan, input.delegate, graph, limit);
  },
  initial: 'running',
  states: {
    running: {
      entry: 'launchReady',
      always: [
        { guard: and(['allStepsSettled', 'hasSynthesize']), target: 'synthesizing' },
        { guard: 'allStepsSettled', target: 'done' },
      ],
      on: {
        'xstate.done.actor.*': { guard: 'isRunningStep', actions: ['completeStep', 'launchReady'] },
        'xstate.error.actor.*': [
          { guard: 'canRetry', actions: 'retryStep' },
          { guard: 'isIgnored', actions: ['skipStep', 'launchReady'] },
          { guard: 'isRunningStep', target: 'failed', actions: 'failPlan' },
          // An error event must match some transition, or XState fails the whole actor with it: one that
          // is not from a current attempt (sent from outside) is dropped.
          { actions: [] },
        ],
      },
    },
    synthesizing: {
      entry: 'launchSynthesize',
      on: {
        'xstate.done.actor.*': { guard: 'isRunningStep', target: 'done', actions: 'completeStep' },
        'xstate.error.actor.*': [
          { guard: 'isRunningStep', target: 'failed', actions: 'failPlan' },
          { actions: [] },
        ],
      },
    },
    done: { type: 'final' },
    failed: { type: 'final' },
  },
  output: ({ context }): SupervisorOutput => {
    const results = allResults(context);
    if (context.failure !== undefined) {
      const { stepId, error } = context.failure;
      return { status: 'failed', stepId, error, results };
    }
    const last = context.steps[context.steps.length - 1];
    return { status: 'done', result: last?.result, results };
  },
});

/**
 * The share of a plan's steps that are settled (done, or failed for good), in `[0, 1]`; 1 once a plan is
 * `done`. Takes a supervisor snapshot, or anything with its `context.progress`.
 *
 * @example
 * ```ts
 * actor.subscribe((snapshot) => bar.update(progressOf(snapshot)));
 * ```
 */
export function progressOf(snapshot: {
  readonly context: { readonly progress: SupervisorProgress };
}): number {
  const { total, done, failed } = snapshot.context.progress;
  return total === 0 ? 1 : Math.min(1, (done + failed) / total);
}
