import { systemClock, type Clock } from '@flotilla/core';
import { createActor, toPromise } from 'xstate';
import { toXStateClock } from '../machines/xstate-clock.js';
import type { Delegate, Plan } from '../supervisor/plan.js';
import type { SupervisorProgress } from '../supervisor/plan-run.js';
import { progressOf, supervisorMachine, type SupervisorOutput } from '../supervisor/supervisor-machine.js';
import { validatePlan } from '../supervisor/validate-plan.js';
import type { Fleet } from './fleet.js';

/** Options of {@link runPlan}. */
export interface RunPlanOptions {
  /** Called whenever a step starts or ends, with the fraction of steps settled. */
  readonly onProgress?: (fraction: number, progress: SupervisorProgress) => void;
  /** The fleet's clock, if it is not the system clock (simulation). */
  readonly clock?: Clock;
}

/**
 * Runs a supervisor plan on a fleet: each step becomes a task of its agent type, submitted once its
 * dependencies are done, with their results as input; then the synthesize step. Step retries follow the
 * plan's `onFailure` policy (each retry is a new task); a step the supervisor stops is cancelled in the
 * fleet. Resolves with the supervisor's output, `done` or `failed`; never rejects for a step failure.
 *
 * @example
 * ```ts
 * const plan = fanOut(questions, 'research', { synthesize: { type: 'write-up' } });
 * const output = await runPlan(fleet, plan, { onProgress: (f) => console.log(`${Math.round(f * 100)}%`) });
 * if (output.status === 'done') console.log(output.result);
 * ```
 */
export async function runPlan(
  fleet: Fleet,
  plan: Plan,
  options: RunPlanOptions = {},
): Promise<SupervisorOutput> {
  validatePlan(plan);
  const delegate: Delegate = (request) => {
    const handle = fleet.submit({
      type: request.type,
      payload: request.input,
      ...(request.priority === undefined ? {} : { priority: request.priority }),
      ...(request.timeoutMs === undefined ? {} : { timeoutMs: request.timeoutMs }),
    });
    request.signal.addEventListener('abort', () => handle.cancel(), { once: true });
    return handle.result;
  };
  const actor = createActor(supervisorMachine, {
    input: { plan, delegate },
    clock: toXStateClock(options.clock ?? systemClock),
  });
  const onProgress = options.onProgress;
  if (onProgress !== undefined) {
    let last = -1;
    actor.subscribe((snapshot) => {
      const fraction = progressOf(snapshot);
      if (fraction !== last) {
        last = fraction;
        onProgress(fraction, snapshot.context.progress);
      }
    });
  }
  actor.start();
  return toPromise(actor);
}
