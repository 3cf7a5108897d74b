import { describeValue, FlotillaError, isFlotillaError } from '@flotilla/core';

/** Code of every {@link ScenarioError}. */
export const INVALID_SCENARIO = 'FLOTILLA_INVALID_SCENARIO';

/**
 * One problem found in a scenario file: the field's path (`agents[0].capacity`), what it must be, and the
 * value found there. `value` is absent for problems that are not about one field's value (YAML syntax).
 */
export interface ScenarioIssue {
  /** Path of the field: `[i]` for list entries, dots for keys; `""` for the whole file. */
  readonly path: string;
  /** What the field must be, e.g. `must be ≥ 1`. */
  readonly message: string;
  /** The value found; absent when the issue has none to show. */
  readonly value?: unknown;
}

/**
 * A scenario file that cannot be run. The message lists every issue found, one per line, as
 * `<path>: <message>, got <value>`; `issues` holds them as data. Thrown before anything is simulated.
 *
 * @example
 * ```ts
 * try { loadScenario('fleet.yaml') } catch (err) {
 *   if (isScenarioError(err)) { console.error(err.message); process.exitCode = 2; }
 * }
 * // invalid scenario fleet.yaml (1 issue):
 * //   agents[0].capacity: must be ≥ 1, got 0
 * ```
 */
export class ScenarioError extends FlotillaError {
  /** Every problem found, in file order where the schema could tell, then the cross-field checks. */
  readonly issues: readonly ScenarioIssue[];
  /** Where the scenario came from: its file path or the `origin` given to `parseScenario`. */
  readonly origin: string;

  constructor(origin: string, issues: readonly ScenarioIssue[]) {
    const count = `${issues.length} issue${issues.length === 1 ? '' : 's'}`;
    const lines = issues.map((issue) => `  ${formatIssue(issue)}`);
    super(INVALID_SCENARIO, [`invalid scenario ${origin} (${count}):`, ...lines].join('\n'));
    this.name = 'ScenarioError';
    this.issues = Object.freeze(issues.map((issue) => Object.freeze({ ...issue })));
    this.origin = origin;
  }
}

/**
 * True for a {@link ScenarioError}, also one rebuilt from another thread (matches on `code`).
 *
 * @example
 * ```ts
 * if (isScenarioError(err)) process.exitCode = 2;
 * ```
 */
export function isScenarioError(value: unknown): value is ScenarioError {
  return isFlotillaError(value) && value.code === INVALID_SCENARIO;
}

/**
 * One issue as a line: `<path>: <message>, got <value>`, values rendered like core's `ConfigError`
 * (strings quoted, objects as short JSON). The whole file's path shows as `(root)`.
 *
 * @example
 * ```ts
 * formatIssue({ path: 'agents[0].capacity', message: 'must be ≥ 1', value: 0 }); // "agents[0].capacity: must be ≥ 1, got 0"
 * ```
 */
export function formatIssue(issue: ScenarioIssue): string {
  const where = issue.path === '' ? '(root)' : issue.path;
  const got = 'value' in issue ? `, got ${describeValue(issue.value)}` : '';
  return `${where}: ${issue.message}${got}`;
}

/** Keys that print bare after a dot; anything else prints as `["key"]`. Hyphens allowed: `rate-limit-429`. */
const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;

/**
 * Renders a field path the way users write it: `[i]` for list indices, dots between keys, and
 * `["odd key"]` for keys that are not plain names.
 *
 * @example
 * ```ts
 * formatPath(['agents', 0, 'capacity']); // "agents[0].capacity"
 * formatPath(['workload', 1, 'tenants', 'team a']); // 'workload[1].tenants["team a"]'
 * ```
 */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') {
      out += `[${segment}]`;
      continue;
    }
    const key = String(segment);
    if (!PLAIN_KEY.test(key)) out += `[${JSON.stringify(key)}]`;
    else out += out === '' ? key : `.${key}`;
  }
  return out;
}
