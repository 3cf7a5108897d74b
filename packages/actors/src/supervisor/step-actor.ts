import { fromPromise } from 'xstate';
import type { DelegateRequest } from './plan.js';
import type { StepAttemptInput } from './plan-run.js';

/**
 * One attempt of one step, as a promise actor: builds the payload (calling the step's input function with
 * its dependencies' results) and hands the request to the delegate. The actor's abort signal goes along,
 * so stopping the actor (the plan failed, or the supervisor was stopped) can cancel the fleet task.
 *
 * An `async` body turns a throwing input function or delegate into a rejection, that is, a failed
 * attempt under the step's policy, instead of an error of the supervisor itself.
 */
export const stepAttemptActor = fromPromise<unknown, StepAttemptInput>(async ({ input, signal }) => {
  const payload =
    typeof input.input === 'function' ? (input.input as (r: unknown) => unknown)(input.results) : input.input;
  const request: DelegateRequest = {
    stepId: input.stepId,
    type: input.type,
    input: payload,
    attempt: input.attempt,
    signal,
    ...(input.priority === undefined ? {} : { priority: input.priority }),
    ...(input.timeoutMs === undefined ? {} : { timeoutMs: input.timeoutMs }),
  };
  return input.delegate(request);
});
