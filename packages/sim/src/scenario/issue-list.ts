import { isConfigError, type ConfigError } from '@flotilla/core';
import type { ScenarioIssue } from './scenario-error.js';

/** Milliseconds per second: scenario files speak seconds, the simulator milliseconds. */
export const MS_PER_SEC = 1000;

/**
 * Seconds to milliseconds, the one conversion every resolved time goes through.
 *
 * @example
 * ```ts
 * msFromSec(1.5); // 1500
 * ```
 */
export function msFromSec(seconds: number): number {
  return seconds * MS_PER_SEC;
}

/**
 * Collects the cross-field problems of a scenario, so that one error can list them all instead of
 * stopping at the first.
 *
 * @example
 * ```ts
 * const issues = new IssueList();
 * issues.add('agents[1].type', 'must be unique', 'worker');
 * if (issues.length > 0) throw new ScenarioError(origin, issues.all);
 * ```
 */
export class IssueList {
  private readonly list: ScenarioIssue[] = [];

  /** Number of issues so far. */
  get length(): number {
    return this.list.length;
  }

  /** Every issue, in the order found. */
  get all(): readonly ScenarioIssue[] {
    return this.list;
  }

  /** Records that the field at `path` must satisfy `message` and holds `value`. */
  add(path: string, message: string, value: unknown): void {
    this.list.push({ path, message, value });
  }

  /**
   * Runs a core validator (which throws a `ConfigError` whose field is already the full path, e.g.
   * `agents[0].service.max must be ≥ min (2), got 1`) and records its complaint instead of throwing.
   */
  capture(validate: () => void): void {
    try {
      validate();
    } catch (error) {
      if (!isConfigError(error)) throw error;
      this.list.push(issueFromConfigError(error));
    }
  }
}

/** `field must X, got V` → `{ path: field, message: 'must X', value: V }`. */
function issueFromConfigError(error: ConfigError): ScenarioIssue {
  const text = error.message;
  const start = text.startsWith(`${error.field} `) ? error.field.length + 1 : 0;
  const end = text.lastIndexOf(', got ');
  return {
    path: error.field,
    message: text.slice(start, end < start ? text.length : end),
    value: error.value,
  };
}
