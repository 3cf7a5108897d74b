import { ConfigError } from '../errors/config-error.js';
import { checkInteger, checkName, checkNumber, checkPositive } from '../errors/validate.js';
import { checkPriority, type Priority } from './priority.js';

/**
 * What a caller submits. Only `type` is required; everything else has a documented default.
 *
 * @example
 * ```ts
 * const spec: TaskSpec<{ prompt: string }> = {
 *   type: 'summarize', payload: { prompt: '...' }, priority: 'high', ttlMs: 30_000, cost: 1200,
 * };
 * ```
 */
export interface TaskSpec<P = unknown> {
  /** Agent type that handles the task. */
  readonly type: string;
  readonly payload?: P;
  /** Default `medium`. */
  readonly priority?: Priority;
  /** Expire if still waiting this long after submission. Default: never. */
  readonly ttlMs?: number;
  /** Deadline for one attempt while running; its signal fires when it passes. Default: none. */
  readonly timeoutMs?: number;
  /** Attempts including the first. Default 1 (no retries). */
  readonly maxAttempts?: number;
  /** Routing key for `consistent-hash` (cache/session affinity). */
  readonly affinityKey?: string;
  /** Capabilities the executing agent must have. */
  readonly capabilities?: readonly string[];
  /** Fairness group for weighted fair share. Default `"default"`. */
  readonly tenant?: string;
  /** Cost units (e.g. LLM tokens) charged to cost rate limits. Default 1. */
  readonly cost?: number;
  /** Tasks with the same key produce at most one completed result. */
  readonly idempotencyKey?: string;
}

/** A validated task with every default applied. */
export interface Task<P = unknown> {
  readonly id: string;
  readonly type: string;
  readonly payload: P;
  priority: Priority;
  /** Clock time of submission, ms. */
  readonly createdAt: number;
  readonly ttlMs: number | undefined;
  readonly timeoutMs: number | undefined;
  /** Attempts started so far (0 until the first starts). */
  attempt: number;
  readonly maxAttempts: number;
  readonly affinityKey: string | undefined;
  readonly requiredCapabilities: readonly string[];
  readonly tenant: string;
  readonly cost: number;
  readonly idempotencyKey: string | undefined;
}

/** Shared by every task that requires no capability: one array, not one per task. */
const NO_CAPABILITIES: readonly string[] = Object.freeze([]);

/** Tenant of tasks that name none. */
export const DEFAULT_TENANT = 'default';
/** Upper bound on `maxAttempts`: a limit on everything. */
export const MAX_ATTEMPTS_LIMIT = 100;

/**
 * Validates a {@link TaskSpec} and builds the {@link Task}. Throws a {@link ConfigError} naming the first bad
 * field (prefixed by `field`, e.g. `tasks[3].ttlMs must be a finite number > 0, got -1`) and builds nothing.
 *
 * @example
 * ```ts
 * const task = createTask({ type: 'search', payload: 'q' }, { id: 't-1', nowMs: clock.now() });
 * task.priority; // 'medium'
 * ```
 */
export function createTask<P>(
  spec: TaskSpec<P>,
  context: { id: string; nowMs: number },
  field = 'task',
): Task<P> {
  if (typeof spec !== 'object' || spec === null) throw new ConfigError(field, 'be an object', spec);
  // Paths are built only for a field other than the default: submit runs this per task, and six
  // string concatenations per call were most of its allocation.
  const at = field === 'task' ? TASK_PATHS : specPaths(field);
  const type = checkName(at.type, spec.type);
  const priority = spec.priority === undefined ? 'medium' : checkPriority(at.priority, spec.priority);
  const ttlMs = spec.ttlMs === undefined ? undefined : checkPositive(at.ttlMs, spec.ttlMs);
  const timeoutMs = spec.timeoutMs === undefined ? undefined : checkPositive(at.timeoutMs, spec.timeoutMs);
  const maxAttempts =
    spec.maxAttempts === undefined
      ? 1
      : checkInteger(at.maxAttempts, spec.maxAttempts, 1, MAX_ATTEMPTS_LIMIT);
  const affinityKey =
    spec.affinityKey === undefined ? undefined : checkString(at.affinityKey, spec.affinityKey);
  const tenant = spec.tenant === undefined ? DEFAULT_TENANT : checkName(at.tenant, spec.tenant);
  const cost = spec.cost === undefined ? 1 : checkNumber(at.cost, spec.cost, NON_NEGATIVE);
  const idempotencyKey =
    spec.idempotencyKey === undefined ? undefined : checkName(at.idempotencyKey, spec.idempotencyKey);
  const capabilities = spec.capabilities ?? NO_CAPABILITIES;
  if (!Array.isArray(capabilities))
    throw new ConfigError(at.capabilities, 'be an array of strings', capabilities);
  for (let i = 0; i < capabilities.length; i++)
    checkName(`${at.capabilities}[${i}]`, capabilities[i] as unknown);
  return {
    id: context.id,
    type,
    payload: spec.payload as P,
    priority,
    createdAt: context.nowMs,
    ttlMs,
    timeoutMs,
    attempt: 0,
    maxAttempts,
    affinityKey,
    requiredCapabilities: capabilities.length === 0 ? NO_CAPABILITIES : [...new Set(capabilities)],
    tenant,
    cost,
    idempotencyKey,
  };
}

const NON_NEGATIVE = Object.freeze({ min: 0 });

/** The paths that errors about a spec's fields name, under `field`. */
function specPaths(field: string) {
  return {
    type: `${field}.type`,
    priority: `${field}.priority`,
    ttlMs: `${field}.ttlMs`,
    timeoutMs: `${field}.timeoutMs`,
    maxAttempts: `${field}.maxAttempts`,
    affinityKey: `${field}.affinityKey`,
    tenant: `${field}.tenant`,
    cost: `${field}.cost`,
    idempotencyKey: `${field}.idempotencyKey`,
    capabilities: `${field}.capabilities`,
  } as const;
}

const TASK_PATHS = specPaths('task');

/** Clock time at which a waiting task expires, or `Infinity`. */
export function expiresAt(task: Pick<Task, 'createdAt' | 'ttlMs'>): number {
  return task.ttlMs === undefined ? Number.POSITIVE_INFINITY : task.createdAt + task.ttlMs;
}

function checkString(field: string, value: unknown): string {
  if (typeof value !== 'string') throw new ConfigError(field, 'be a string', value);
  return value;
}
