import type { core } from 'zod';
import { formatPath, type ScenarioIssue } from './scenario-error.js';

/**
 * Turning zod's issues into {@link ScenarioIssue}s worded like core's `ConfigError`s (`must be ≥ 1`).
 * Two things zod leaves to us: unknown keys (one issue per key, with a "did you mean" when a known key is
 * close), and unions, where zod reports every alternative's complaints; we pick the alternative the
 * author evidently meant (the one whose tag, like `dist` or `model`, is present) and report only its own.
 */

/** What a parse remembers for the formatter: the accepted keys of each object that had unknown ones. */
export type KnownKeys = WeakMap<object, readonly string[]>;

/** Names of the types zod expects, as a scenario author would say them. */
const TYPE_NAMES: Readonly<Record<string, string>> = {
  number: 'a finite number',
  int: 'an integer',
  string: 'a string',
  boolean: 'true or false',
  object: 'a mapping { key: value }',
  record: 'a mapping { name: value }',
  array: 'a list',
};

/**
 * The error map a scenario parse runs with: messages of the form `must …` (the path and the value are
 * added when the issue is formatted). Schema-level messages (`error:` on a schema) take precedence.
 */
export function scenarioErrorMap(knownKeys: KnownKeys): core.$ZodErrorMap {
  return (issue) => {
    switch (issue.code) {
      case 'invalid_type':
        if (issue.input === undefined) return 'must be set';
        return `must be ${TYPE_NAMES[issue.expected] ?? issue.expected}`;
      case 'too_small':
        return sizeMessage(issue.origin, issue.inclusive === true, Number(issue.minimum), 'small');
      case 'too_big':
        return sizeMessage(issue.origin, issue.inclusive === true, Number(issue.maximum), 'big');
      case 'invalid_value':
        return issue.values.length === 1
          ? `must be ${JSON.stringify(issue.values[0])}`
          : `must be one of ${issue.values.map(String).join(' | ')}`;
      case 'unrecognized_keys':
        rememberKnownKeys(knownKeys, issue.input, issue.inst);
        return 'is not a known field';
      case 'invalid_union':
        return issue.discriminator !== undefined && Array.isArray(issue.options)
          ? `must be one of ${(issue.options as unknown[]).map(String).join(' | ')}`
          : 'does not match any accepted form';
      case 'not_multiple_of':
        return `must be a multiple of ${issue.divisor}`;
      default:
        return undefined;
    }
  };
}

function sizeMessage(origin: string, inclusive: boolean, bound: number, side: 'small' | 'big'): string {
  if (origin === 'array' || origin === 'set') {
    const entries = `${bound} entr${bound === 1 ? 'y' : 'ies'}`;
    return side === 'small' ? `must have at least ${entries}` : `must have at most ${entries}`;
  }
  if (origin === 'string') {
    if (side === 'small' && bound === 1) return 'must not be empty';
    return `must have ${side === 'small' ? 'at least' : 'at most'} ${bound} characters`;
  }
  const operator = side === 'small' ? (inclusive ? '≥' : '>') : inclusive ? '≤' : '<';
  return `must be ${operator} ${bound}`;
}

interface SchemaInternals {
  readonly _zod?: {
    readonly def?: {
      readonly shape?: object;
      readonly keyType?: { readonly _zod?: { readonly values?: ReadonlySet<unknown> } };
    };
  };
}

/** Records the keys the object's schema accepts (an object's shape, or an enum-keyed record's keys). */
function rememberKnownKeys(knownKeys: KnownKeys, input: unknown, inst: unknown): void {
  if (typeof input !== 'object' || input === null) return;
  const def = (inst as SchemaInternals | undefined)?._zod?.def;
  const keys = def?.shape !== undefined ? Object.keys(def.shape) : [...(def?.keyType?._zod?.values ?? [])];
  knownKeys.set(input, keys.map(String));
}

/**
 * A schema-level error message for a union (which otherwise reports its own message even when the field
 * is simply missing): `must be set` for an absent value, `message` for a wrong one.
 *
 * @example
 * ```ts
 * z.union([z.int(), z.literal('unbounded')], { error: unionError('must be an integer or "unbounded"') });
 * ```
 */
export function unionError(message: string): (issue: { readonly input?: unknown }) => string {
  return (issue) => (issue.input === undefined ? 'must be set' : message);
}

/**
 * Converts zod's issues (parsed with `reportInput: true` and {@link scenarioErrorMap}) to scenario issues,
 * paths prefixed by `prefix`.
 */
export function toScenarioIssues(
  issues: readonly core.$ZodIssue[],
  knownKeys: KnownKeys,
  prefix: readonly PropertyKey[] = [],
): ScenarioIssue[] {
  const out: ScenarioIssue[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      const input = (issue.input ?? {}) as Record<string, unknown>;
      for (const key of issue.keys) {
        const message = unknownKeyMessage(key, knownKeys.get(input) ?? []);
        out.push({ path: formatPath([...path, key]), message, value: input[key] });
      }
      continue;
    }
    if (issue.code === 'invalid_union' && issue.discriminator === undefined && issue.errors.length > 0) {
      const meant = meantAlternative(issue.errors, issue.input);
      if (meant !== undefined) {
        out.push(...toScenarioIssues(meant, knownKeys, path));
        continue;
      }
    }
    if (issue.code === 'invalid_union' && issue.discriminator !== undefined) {
      // zod puts the tag in the path but reports the whole object as the input: show the tag's value.
      out.push({
        path: formatPath(path),
        message: issue.message,
        value: propertyOf(issue.input, issue.discriminator),
      });
      continue;
    }
    out.push({ path: formatPath(path), message: issue.message, value: issue.input });
  }
  return out;
}

/**
 * The alternative of a failed union the author meant, or undefined when that is not clear (then the
 * union's own message, listing the accepted forms, is the better report). An alternative is ruled out when
 * its tag key is absent from the input (`dist` for a distribution, `model` for a size model) or when the
 * input is not even of its type; of several left, one without unknown keys wins.
 */
function meantAlternative(
  alternatives: readonly (readonly core.$ZodIssue[])[],
  input: unknown,
): readonly core.$ZodIssue[] | undefined {
  const plausible = alternatives.filter(
    (issues) => !issues.some((issue) => missesTag(issue, input) || rejectsWhole(issue)),
  );
  if (plausible.length === 1) return plausible[0];
  const clean = plausible.filter(
    (issues) => !issues.some((issue) => issue.code === 'unrecognized_keys' && issue.path.length === 0),
  );
  return clean.length === 1 ? clean[0] : undefined;
}

function missesTag(issue: core.$ZodIssue, input: unknown): boolean {
  if (issue.code === 'invalid_union' && issue.discriminator !== undefined) {
    return !hasKey(input, issue.discriminator);
  }
  return issue.code === 'invalid_value' && issue.path.length === 1 && !hasKey(input, issue.path[0]);
}

function rejectsWhole(issue: core.$ZodIssue): boolean {
  return issue.path.length === 0 && issue.code !== 'unrecognized_keys';
}

function hasKey(input: unknown, key: PropertyKey | undefined): boolean {
  return typeof input === 'object' && input !== null && key !== undefined && Object.hasOwn(input, key);
}

function propertyOf(input: unknown, key: string): unknown {
  return typeof input === 'object' && input !== null ? (input as Record<string, unknown>)[key] : input;
}

/**
 * `is not a known field (did you mean capacity?)` when a known key is close (a typo, or one is the start
 * of the other: `overflowPolicy` → `overflow`), else the list of known fields.
 */
function unknownKeyMessage(key: string, known: readonly string[]): string {
  if (known.length === 0) return 'is not a known field';
  // Core's options speak milliseconds (`decayMs`); scenario files speak seconds (`decaySec`).
  const inSeconds = key.endsWith('Ms') ? `${key.slice(0, -2)}Sec` : undefined;
  if (inSeconds !== undefined && known.includes(inSeconds)) {
    return `is not a known field (did you mean ${inSeconds}? scenario times are in seconds)`;
  }
  const typed = key.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const lower = candidate.toLowerCase();
    const prefix =
      Math.min(lower.length, typed.length) >= 3 && (lower.startsWith(typed) || typed.startsWith(lower));
    const distance = prefix ? 0 : editDistance(typed, lower);
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  // A third of the length catches typos (capasity, queuelimit) without suggesting unrelated short names.
  if (best !== undefined && bestDistance <= Math.max(1, Math.floor(key.length / 3))) {
    return `is not a known field (did you mean ${best}?)`;
  }
  return `is not a known field (known: ${known.join(', ')})`;
}

/** Levenshtein distance; keys are short, so the plain O(n·m) table is fine. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(substitution, (previous[j] as number) + 1, (current[j - 1] as number) + 1));
    }
    previous = current;
  }
  return previous[b.length] as number;
}
