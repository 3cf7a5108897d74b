import { ConfigError } from '../errors/config-error.js';
import { checkOneOf } from '../errors/validate.js';

/** Task priorities, most urgent first. Dispatch is strict and non-preemptive across them. */
export const PRIORITIES = ['critical', 'high', 'medium', 'low'] as const;

/** One of {@link PRIORITIES}. */
export type Priority = (typeof PRIORITIES)[number];

/** Numeric level of a priority: 0 for `critical` … 3 for `low`; lower is served first. */
export type PriorityLevel = 0 | 1 | 2 | 3;

/** Number of priority levels. */
export const PRIORITY_COUNT = PRIORITIES.length;

/**
 * Level of `priority` (0 = most urgent).
 *
 * @example
 * ```ts
 * priorityLevel('critical'); // 0
 * priorityLevel('low'); // 3
 * ```
 */
export function priorityLevel(priority: Priority): PriorityLevel {
  switch (priority) {
    case 'critical':
      return 0;
    case 'high':
      return 1;
    case 'medium':
      return 2;
    case 'low':
      return 3;
    default:
      return unknownPriority(priority);
  }
}

/**
 * Reached only by untyped callers (JavaScript, parsed input): refuse rather than lose the task. Out of
 * line because `priorityLevel` runs several times per task, and V8 inlines small functions more readily.
 */
function unknownPriority(priority: unknown): never {
  throw new ConfigError('priority', `be one of ${PRIORITIES.join(' | ')}`, priority);
}

/** The priority at `level`. */
export function priorityAt(level: PriorityLevel): Priority {
  return PRIORITIES[level];
}

/** Validates a priority read from user input, naming `field` when it is not one. */
export function checkPriority(field: string, value: unknown): Priority {
  return checkOneOf(field, value, PRIORITIES);
}
