import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { resolveScenario } from './resolve.js';
import { ScenarioError, type ScenarioIssue } from './scenario-error.js';
import type { Scenario } from './scenario.js';
import { scenarioSchema } from './schema.js';
import { locateTracesDir } from './traces.js';
import { scenarioErrorMap, toScenarioIssues, type KnownKeys } from './zod-issues.js';

/** Origin reported for scenario text that came from no file. */
export const INLINE_ORIGIN = '<inline>';

/** Most YAML aliases a file may expand: enough for any honest file, too few for a "billion laughs". */
const MAX_ALIAS_COUNT = 100;

/** Options of {@link parseScenario}, {@link loadScenario} and {@link validateScenario}. */
export interface ScenarioOptions {
  /**
   * Directory of the named traces (`azure-code`, `azure-conv`, `mooncake`). Default: `$FLOTILLA_TRACES`,
   * else the repository's `data/traces` (or `../shared/data/traces` beside it) from the repository root (the nearest directory above the scenario file,
   * or the current directory, that holds `pnpm-workspace.yaml`).
   */
  readonly tracesDir?: string;
  /** Directory that relative trace paths are resolved against. Default: the scenario file's directory. */
  readonly baseDir?: string;
  /** Whether trace files must exist. Default true. */
  readonly checkFiles?: boolean;
  /** Environment to read `FLOTILLA_TRACES` from. Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Reads and resolves a scenario file. Relative trace paths are resolved against the file's directory.
 *
 * @throws {@link ScenarioError} listing every problem (or that the file cannot be read); nothing else
 * has happened when it is thrown.
 *
 * @example
 * ```ts
 * const scenario = loadScenario('examples/failover/scenario.yaml');
 * scenario.stop; // { kind: 'tasks', tasks: 100000 }
 * ```
 */
export function loadScenario(path: string, options: ScenarioOptions = {}): Scenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new ScenarioError(path, [{ path: '', message: `cannot be read (${reason})` }]);
  }
  return parseScenario(text, path, { baseDir: dirname(resolve(path)), ...options });
}

/**
 * Parses scenario YAML, checks it and resolves it (milliseconds, defaults applied).
 *
 * @param origin - where the text came from, for messages and (unless `options.baseDir` is given) as the
 * file whose directory relative trace paths are resolved against. Default `<inline>` (the current
 * directory).
 * @throws {@link ScenarioError} listing every problem, as `<path>: <message>, got <value>` lines.
 *
 * @example
 * ```ts
 * const scenario = parseScenario(`
 * stop: { tasks: 1000 }
 * agents: [{ type: worker, count: 4, service: { dist: exponential, mean: 1 } }]
 * workload: [{ arrivals: { process: poisson, rate: 3 } }]
 * `);
 * scenario.agents[0].service; // { kind: 'distribution', spec: { dist: 'exponential', mean: 1000 } }
 * ```
 */
export function parseScenario(
  yamlText: string,
  origin = INLINE_ORIGIN,
  options: ScenarioOptions = {},
): Scenario {
  const document = parseDocument(yamlText, { uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new ScenarioError(origin, document.errors.map(yamlIssue));
  }
  let input: unknown;
  try {
    input = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    // Unresolved or excessive aliases surface only when the document is turned into values.
    throw new ScenarioError(origin, [
      { path: '', message: `is not valid YAML (${(error as Error).message})` },
    ]);
  }
  return validateScenario(input, origin, options);
}

/**
 * Checks and resolves a scenario given as a plain object (the shape of the YAML file, seconds), e.g.
 * parsed from JSON or built in a test.
 *
 * @throws {@link ScenarioError} listing every problem.
 *
 * @example
 * ```ts
 * validateScenario({ stop: { time: 60 }, agents: [{ type: 'w', service: { dist: 'deterministic', value: 1 } }],
 *   workload: [{ arrivals: { process: 'poisson', rate: 0.5 } }] }).stop; // { kind: 'time', timeMs: 60000 }
 * ```
 */
export function validateScenario(
  input: unknown,
  origin = INLINE_ORIGIN,
  options: ScenarioOptions = {},
): Scenario {
  const knownKeys: KnownKeys = new WeakMap();
  const parsed = scenarioSchema.safeParse(input, { reportInput: true, error: scenarioErrorMap(knownKeys) });
  if (!parsed.success) {
    throw new ScenarioError(origin, toScenarioIssues(parsed.error.issues, knownKeys));
  }
  const baseDir = options.baseDir ?? (origin === INLINE_ORIGIN ? process.cwd() : dirname(resolve(origin)));
  const tracesDir = locateTracesDir({
    explicit: options.tracesDir,
    fromDir: baseDir,
    ...(options.env === undefined ? {} : { env: options.env }),
  });
  return resolveScenario(parsed.data, origin, { baseDir, tracesDir, checkFiles: options.checkFiles ?? true });
}

/** A YAML syntax error as an issue located by line and column (it belongs to no field). */
function yamlIssue(error: {
  message: string;
  linePos?: readonly { line: number; col: number }[];
}): ScenarioIssue {
  const firstLine = error.message.split('\n', 1)[0] ?? error.message;
  const message = firstLine.replace(/ at line \d+, column \d+:?$/, '');
  const start = error.linePos?.[0];
  return { path: start === undefined ? '' : `line ${start.line}, column ${start.col}`, message };
}
