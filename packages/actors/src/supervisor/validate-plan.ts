import { checkInteger, checkName, checkPositive, checkPriority, ConfigError } from '@flotilla/core';
import { SYNTHESIZE_STEP_ID, type Plan, type PlanStep, type StepFailurePolicy } from './plan.js';

/** Most retries one step may ask for: a limit on everything, and a typo of 1000 for 10 is caught. */
export const MAX_STEP_RETRIES = 100;

/**
 * The step graph of a valid plan, by index into `plan.steps`: what each step waits for and what waits for
 * it. Plain arrays, so a supervisor's context stays JSON-serializable.
 */
export interface PlanGraph {
  /** `dependencies[i]`: indices of the steps step `i` depends on, without duplicates. */
  readonly dependencies: readonly (readonly number[])[];
  /** `dependents[i]`: indices of the steps that depend on step `i`. */
  readonly dependents: readonly (readonly number[])[];
}

/**
 * Checks a plan and returns it unchanged. Throws a {@link ConfigError} naming the first bad field and its
 * value: an empty `steps`, a missing or duplicate id, an id equal to the reserved `'$synthesize'`, a
 * `dependsOn` entry that names no step, a cycle (the message spells it out, e.g. `a → b → a`), a bad
 * priority, timeout or failure policy, or a bad synthesize step.
 *
 * @example
 * ```ts
 * validatePlan({ steps: [{ id: 'a', type: 't', dependsOn: ['b'] }, { id: 'b', type: 't', dependsOn: ['a'] }] });
 * // ConfigError: steps[1].dependsOn must not form a cycle (a → b → a), got ["a"]
 * // (read `a → b` as "a depends on b")
 * ```
 */
export function validatePlan(plan: Plan): Plan {
  compilePlan(plan);
  return plan;
}

/** {@link validatePlan}, returning the plan's {@link PlanGraph}. */
export function compilePlan(plan: Plan): PlanGraph {
  if (typeof plan !== 'object' || plan === null) throw new ConfigError('plan', 'be an object', plan);
  const steps: unknown = plan.steps;
  if (!Array.isArray(steps) || steps.length === 0) {
    throw new ConfigError('steps', 'be a non-empty array of steps', steps);
  }
  const indexById = new Map<string, number>();
  (steps as readonly unknown[]).forEach((step, index) => {
    const id = checkStep(step, index);
    const previous = indexById.get(id);
    if (previous !== undefined) {
      throw new ConfigError(`steps[${index}].id`, `be unique (steps[${previous}] has it too)`, id);
    }
    indexById.set(id, index);
  });
  const typedSteps = steps as readonly PlanStep[];
  const dependencies = typedSteps.map((step, index) => {
    const indices = new Set<number>();
    (step.dependsOn ?? []).forEach((dependency, k) => {
      const target = typeof dependency === 'string' ? indexById.get(dependency) : undefined;
      if (target === undefined) {
        throw new ConfigError(`steps[${index}].dependsOn[${k}]`, 'name a step of the plan', dependency);
      }
      indices.add(target);
    });
    return [...indices];
  });
  checkAcyclic(typedSteps, dependencies);
  if (plan.synthesize !== undefined) checkSynthesize(plan.synthesize);
  const dependents: number[][] = typedSteps.map(() => []);
  dependencies.forEach((indices, index) => {
    for (const dependency of indices) dependents[dependency]?.push(index);
  });
  return { dependencies, dependents };
}

/** Checks one step's own fields; returns its id. */
function checkStep(step: unknown, index: number): string {
  const field = `steps[${index}]`;
  if (typeof step !== 'object' || step === null) throw new ConfigError(field, 'be an object', step);
  const candidate = step as PlanStep;
  const id = checkName(`${field}.id`, candidate.id);
  if (id === SYNTHESIZE_STEP_ID) {
    throw new ConfigError(`${field}.id`, `not be ${JSON.stringify(SYNTHESIZE_STEP_ID)} (reserved)`, id);
  }
  checkName(`${field}.type`, candidate.type);
  if (candidate.dependsOn !== undefined && !Array.isArray(candidate.dependsOn)) {
    throw new ConfigError(`${field}.dependsOn`, 'be an array of step ids', candidate.dependsOn);
  }
  if (candidate.priority !== undefined) checkPriority(`${field}.priority`, candidate.priority);
  if (candidate.timeoutMs !== undefined) checkPositive(`${field}.timeoutMs`, candidate.timeoutMs);
  if (candidate.onFailure !== undefined) checkPolicy(`${field}.onFailure`, candidate.onFailure);
  return id;
}

function checkPolicy(field: string, policy: StepFailurePolicy): void {
  if (policy === 'fail' || policy === 'ignore') return;
  if (typeof policy === 'object' && policy !== null && 'retry' in policy) {
    checkInteger(`${field}.retry`, policy.retry, 0, MAX_STEP_RETRIES);
    return;
  }
  throw new ConfigError(field, "be 'fail', 'ignore' or { retry: n }", policy);
}

function checkSynthesize(synthesize: NonNullable<Plan['synthesize']>): void {
  if (typeof synthesize !== 'object' || synthesize === null) {
    throw new ConfigError('synthesize', 'be an object', synthesize);
  }
  checkName('synthesize.type', synthesize.type);
  if (synthesize.input !== undefined && typeof synthesize.input !== 'function') {
    throw new ConfigError('synthesize.input', 'be a function of the results', synthesize.input);
  }
  if (synthesize.priority !== undefined) checkPriority('synthesize.priority', synthesize.priority);
  if (synthesize.timeoutMs !== undefined) checkPositive('synthesize.timeoutMs', synthesize.timeoutMs);
}

/** Longest cycle spelled out in full; a longer one shows its two ends (the message must stay readable). */
const CYCLE_SHOWN = 16;

function describeCycle(ids: readonly string[]): string {
  if (ids.length <= CYCLE_SHOWN) return ids.join(' → ');
  const head = ids.slice(0, CYCLE_SHOWN / 2);
  const tail = ids.slice(ids.length - CYCLE_SHOWN / 2 + 1);
  return [...head, `… ${ids.length - head.length - tail.length} more …`, ...tail].join(' → ');
}

const UNVISITED = 0;
const ON_PATH = 1;
const FINISHED = 2;

/**
 * Depth-first search with an explicit stack (a 10,000-stage pipeline must not overflow the call stack).
 * A dependency edge to a step still on the path closes a cycle, reported from that step round to itself.
 */
function checkAcyclic(steps: readonly PlanStep[], dependencies: readonly (readonly number[])[]): void {
  const color = new Uint8Array(steps.length);
  const path: number[] = [];
  const nextEdge: number[] = [];
  for (let root = 0; root < steps.length; root++) {
    if (color[root] !== UNVISITED) continue;
    path.push(root);
    nextEdge.push(0);
    color[root] = ON_PATH;
    while (path.length > 0) {
      const top = path.length - 1;
      const node = path[top] as number;
      const edges = dependencies[node] as readonly number[];
      const edge = nextEdge[top] as number;
      if (edge === edges.length) {
        color[node] = FINISHED;
        path.pop();
        nextEdge.pop();
        continue;
      }
      nextEdge[top] = edge + 1;
      const target = edges[edge] as number;
      if (color[target] === ON_PATH) {
        const cycle = [...path.slice(path.indexOf(target)), target].map((i) => (steps[i] as PlanStep).id);
        throw new ConfigError(
          `steps[${node}].dependsOn`,
          `not form a cycle (${describeCycle(cycle)})`,
          (steps[node] as PlanStep).dependsOn,
        );
      }
      if (color[target] === UNVISITED) {
        color[target] = ON_PATH;
        path.push(target);
        nextEdge.push(0);
      }
    }
  }
}
