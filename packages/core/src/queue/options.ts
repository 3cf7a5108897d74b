import { ConfigError } from '../errors/config-error.js';
import { checkInteger, checkOneOf, checkPositive } from '../errors/validate.js';

/** What a full queue does with a newcomer. */
export const OVERFLOW_POLICIES = ['reject-new', 'shed-oldest-lowest'] as const;
/**
 * - `reject-new`: refuse the newcomer (backpressure the submitter sees).
 * - `shed-oldest-lowest`: evict the oldest entry of the lowest priority present to make room; if the
 *   newcomer's priority is lower than everything queued, the newcomer is the one refused.
 */
export type OverflowPolicy = (typeof OVERFLOW_POLICIES)[number];

/** Largest accepted `maxDepth`: handles pack a slot in 24 bits. */
export const MAX_QUEUE_DEPTH = 1 << 24;

/** Options of a {@link TaskQueue}. */
export interface TaskQueueOptions<T> {
  /** Bound on the number of queued entries. Every queue is bounded. */
  readonly maxDepth: number;
  /** Default `reject-new`. */
  readonly overflow?: OverflowPolicy;
  /**
   * Aging against starvation: an entry that has waited `agingMs` ranks with entries one level more urgent
   * that arrived just now. Off by default (strict priority).
   */
  readonly agingMs?: number;
  /** Weighted fair share across tenants within each priority level (weights default to 1). */
  readonly fairShare?: { readonly weights?: Readonly<Record<string, number>> };
  /** Called with each entry removed because its expiry passed, before any later entry is handed out. */
  readonly onExpired?: (item: T) => void;
}

/** Validated options with defaults applied. */
export interface ResolvedQueueOptions {
  readonly maxDepth: number;
  readonly overflow: OverflowPolicy;
  readonly agingMs: number | undefined;
}

/** Validates queue options, naming the field on error. */
export function resolveQueueOptions<T>(options: TaskQueueOptions<T>): ResolvedQueueOptions {
  const maxDepth = checkInteger('maxDepth', options.maxDepth, 1, MAX_QUEUE_DEPTH);
  const overflow =
    options.overflow === undefined
      ? 'reject-new'
      : checkOneOf('overflow', options.overflow, OVERFLOW_POLICIES);
  const agingMs = options.agingMs === undefined ? undefined : checkPositive('agingMs', options.agingMs);
  if (agingMs !== undefined && options.fairShare !== undefined) {
    // Aging reorders across levels by waiting time, fair share orders within a level by service received;
    // both at once has no single consistent order, so we refuse rather than pick one silently.
    throw new ConfigError('agingMs', 'be unset when fairShare is set (choose one ordering)', agingMs);
  }
  return { maxDepth, overflow, agingMs };
}
