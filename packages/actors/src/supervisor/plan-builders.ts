import { checkInteger, checkName, ConfigError, type Priority } from '@flotilla/core';
import type { Plan, PlanStep, StepFailurePolicy, StepResults } from './plan.js';

/** Fields every builder passes through to the steps it makes. */
export interface StepOptions {
  readonly priority?: Priority;
  readonly timeoutMs?: number;
  readonly onFailure?: StepFailurePolicy;
}

/** One stage of a {@link pipeline}. */
export interface PipelineStage extends StepOptions {
  /** Step id; default `stage-<index>`. */
  readonly id?: string;
  readonly type: string;
  /**
   * The stage's payload, or a function of the previous stage's result (`undefined` for the first stage).
   * Default: the previous stage's result itself.
   */
  readonly input?: unknown;
}

/**
 * A plan of stages run one after the other, each fed the previous stage's result.
 *
 * @example
 * ```ts
 * const plan = pipeline([
 *   { type: 'fetch', input: { url } },
 *   { type: 'extract' }, // payload: fetch's result
 *   { type: 'summarize', input: (text) => ({ text, words: 100 }) },
 * ]);
 * // steps stage-0 → stage-1 → stage-2; the supervisor's result is stage-2's
 * ```
 */
export function pipeline(stages: readonly PipelineStage[]): Plan {
  checkNonEmpty('stages', stages);
  const ids = stages.map((stage, index) => stage.id ?? `stage-${index}`);
  const steps = stages.map((stage, index): PlanStep => {
    checkName(`stages[${index}].type`, stage.type);
    const previous = index === 0 ? undefined : (ids[index - 1] as string);
    const given = stage.input;
    const fromPrevious = (results: StepResults): unknown =>
      previous === undefined ? undefined : results[previous];
    const input =
      typeof given === 'function'
        ? (results: StepResults) => (given as (previous: unknown) => unknown)(fromPrevious(results))
        : 'input' in stage || previous === undefined
          ? given
          : fromPrevious;
    return {
      ...stepOptions(stage),
      id: ids[index] as string,
      type: stage.type,
      input,
      ...(previous === undefined ? {} : { dependsOn: [previous] }),
    };
  });
  return { steps };
}

/** Options of {@link fanOut}. */
export interface FanOutOptions extends StepOptions {
  /**
   * The fan-in: one task that receives every item's result, in item order (an ignored failure leaves
   * `undefined` in its slot). Its `input` maps that array to the payload; default: the array itself.
   * Without it the plan's result is the last item's.
   */
  readonly synthesize?: {
    readonly type: string;
    readonly input?: (results: readonly unknown[]) => unknown;
    readonly priority?: Priority;
    readonly timeoutMs?: number;
  };
}

/**
 * A plan that runs one step of `type` per item, all at once, then an optional fan-in step over their
 * results. Steps are named `item-<index>`.
 *
 * @example
 * ```ts
 * const plan = fanOut(['intro.md', 'usage.md'], 'review', {
 *   onFailure: { retry: 2 },
 *   synthesize: { type: 'merge-reviews', input: (reviews) => ({ reviews }) },
 * });
 * ```
 */
export function fanOut(items: readonly unknown[], type: string, options: FanOutOptions = {}): Plan {
  checkNonEmpty('items', items);
  checkName('type', type);
  const ids = items.map((_, index) => `item-${index}`);
  const steps = items.map((item, index): PlanStep => ({
    ...stepOptions(options),
    id: ids[index] as string,
    type,
    input: item,
  }));
  const synthesize = options.synthesize;
  if (synthesize === undefined) return { steps };
  checkName('synthesize.type', synthesize.type);
  const map = synthesize.input;
  return {
    steps,
    synthesize: {
      type: synthesize.type,
      input: (results) => {
        const ordered = ids.map((id) => results[id]);
        return map === undefined ? ordered : map(ordered);
      },
      ...stepOptions({ priority: synthesize.priority, timeoutMs: synthesize.timeoutMs }),
    },
  };
}

/** Options of {@link mapReduce}. */
export interface MapReduceOptions extends StepOptions {
  /**
   * Most results one reduce task receives; with more chunks than this, partial reductions form a tree
   * (e.g. 100 chunks, `fanIn: 10`: ten reduces of ten, then a final one of ten), which bounds the payload
   * of each reduce, as an LLM's context window requires. An integer ≥ 2; default unbounded: one reduce.
   * `priority`, `timeoutMs` and `onFailure` apply to the map steps.
   */
  readonly fanIn?: number;
}

/**
 * A plan that maps every chunk with `mapType`, then reduces the results with `reduceType`. Every reduce
 * task receives an array of results, in chunk order: map results, or partial reductions when `fanIn`
 * splits the reduction into levels. Steps are named `map-<i>` and `reduce-<level>-<j>`; the final reduce is
 * the plan's synthesize step, so its result is the supervisor's.
 *
 * @example
 * ```ts
 * const plan = mapReduce(chapters, 'summarize', 'merge-summaries', { fanIn: 8 });
 * ```
 */
export function mapReduce(
  chunks: readonly unknown[],
  mapType: string,
  reduceType: string,
  options: MapReduceOptions = {},
): Plan {
  checkNonEmpty('chunks', chunks);
  checkName('mapType', mapType);
  checkName('reduceType', reduceType);
  const fanIn =
    options.fanIn === undefined || options.fanIn === Number.POSITIVE_INFINITY
      ? Number.POSITIVE_INFINITY
      : checkInteger('fanIn', options.fanIn, 2);
  const steps: PlanStep[] = chunks.map((chunk, index) => ({
    ...stepOptions(options),
    id: `map-${index}`,
    type: mapType,
    input: chunk,
  }));
  let level = steps.map((step) => step.id);
  for (let depth = 1; level.length > fanIn; depth++) {
    const next: string[] = [];
    for (let start = 0; start < level.length; start += fanIn) {
      const group = level.slice(start, start + fanIn);
      const id = `reduce-${depth}-${next.length}`;
      steps.push({
        id,
        type: reduceType,
        dependsOn: group,
        input: (results: StepResults) => group.map((g) => results[g]),
      });
      next.push(id);
    }
    level = next;
  }
  const last = level;
  return {
    steps,
    synthesize: { type: reduceType, input: (results) => last.map((id) => results[id]) },
  };
}

function checkNonEmpty(field: string, value: readonly unknown[]): void {
  if (!Array.isArray(value) || value.length === 0)
    throw new ConfigError(field, 'be a non-empty array', value);
}

/** The defined ones of `options`' step fields (optional properties must be absent, not `undefined`). */
function stepOptions(options: {
  readonly priority?: Priority | undefined;
  readonly timeoutMs?: number | undefined;
  readonly onFailure?: StepFailurePolicy | undefined;
}): StepOptions {
  return {
    ...(options.priority === undefined ? {} : { priority: options.priority }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.onFailure === undefined ? {} : { onFailure: options.onFailure }),
  };
}
