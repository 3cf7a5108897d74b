import { ConfigError } from '../errors/config-error.js';
import { checkInteger, checkLimit } from '../errors/validate.js';
import { MAX_QUEUE_DEPTH } from '../queue/options.js';
import { checkPriority, type Priority } from '../task/priority.js';
import type { AdmissionState } from './admission-transition.js';

/** Options of an {@link AdmissionController}. */
export interface AdmissionControllerOptions {
  /** Hard bound on the queue: at this depth nothing is admitted. Integer in `[1, MAX_QUEUE_DEPTH]`. */
  readonly maxQueueDepth: number;
  /** Tasks running at once; an integer ≥ 1, or `Infinity` to leave the limit to the agents' capacity. */
  readonly maxConcurrency: number;
  /** Depth at which backpressure starts; an integer in `[1, maxQueueDepth]`. */
  readonly highWatermark: number;
  /** Depth at which backpressure ends; an integer in `[0, highWatermark)`. */
  readonly lowWatermark: number;
  /** Priorities refused under backpressure; default `['low']`. May be empty (only the hard bound applies). */
  readonly shedPriorities?: readonly Priority[];
}

/** Validated {@link AdmissionControllerOptions} with defaults applied. */
export interface ResolvedAdmissionOptions {
  readonly maxQueueDepth: number;
  readonly maxConcurrency: number;
  readonly highWatermark: number;
  readonly lowWatermark: number;
  /** Without duplicates, in the order given. */
  readonly shedPriorities: readonly Priority[];
}

/** What {@link AdmissionControllerOptions.shedPriorities} defaults to. */
export const DEFAULT_SHED_PRIORITIES: readonly Priority[] = Object.freeze(['low'] as const);

/**
 * Validates admission options and applies defaults. Throws a {@link ConfigError} naming the first bad field
 * and its value (e.g. `lowWatermark must be < highWatermark (80), got 80`).
 *
 * @example
 * ```ts
 * resolveAdmissionOptions({ maxQueueDepth: 100, maxConcurrency: 8, highWatermark: 80, lowWatermark: 40 })
 *   .shedPriorities; // ['low']
 * ```
 */
export function resolveAdmissionOptions(options: AdmissionControllerOptions): ResolvedAdmissionOptions {
  if (typeof options !== 'object' || options === null)
    throw new ConfigError('options', 'be an object', options);
  const maxQueueDepth = checkInteger('maxQueueDepth', options.maxQueueDepth, 1, MAX_QUEUE_DEPTH);
  const maxConcurrency = checkLimit('maxConcurrency', options.maxConcurrency, 1);
  const highWatermark = checkInteger('highWatermark', options.highWatermark, 1);
  if (highWatermark > maxQueueDepth) {
    throw new ConfigError('highWatermark', `be ≤ maxQueueDepth (${maxQueueDepth})`, highWatermark);
  }
  const lowWatermark = checkInteger('lowWatermark', options.lowWatermark, 0);
  if (lowWatermark >= highWatermark) {
    // Equal watermarks would give no hysteresis: the mode would flap on every enqueue and dequeue.
    throw new ConfigError('lowWatermark', `be < highWatermark (${highWatermark})`, lowWatermark);
  }
  const shed: unknown = options.shedPriorities ?? DEFAULT_SHED_PRIORITIES;
  if (!Array.isArray(shed)) throw new ConfigError('shedPriorities', 'be an array of priorities', shed);
  const shedPriorities = Object.freeze([
    ...new Set(shed.map((priority: unknown, index) => checkPriority(`shedPriorities[${index}]`, priority))),
  ]);
  return Object.freeze({ maxQueueDepth, maxConcurrency, highWatermark, lowWatermark, shedPriorities });
}

/**
 * The first {@link AdmissionState} for validated `options`: `accepting`.
 *
 * @example
 * ```ts
 * initialAdmissionState({ maxQueueDepth: 100, maxConcurrency: 8, highWatermark: 80, lowWatermark: 40 }).mode; // 'accepting'
 * ```
 */
export function initialAdmissionState(options: AdmissionControllerOptions): AdmissionState {
  const { highWatermark, lowWatermark } = resolveAdmissionOptions(options);
  return { mode: 'accepting', highWatermark, lowWatermark };
}
