import { existsSync } from 'node:fs';
import { dirname, extname, isAbsolute, join, resolve } from 'node:path';
import type { TraceFileFormat } from './scenario.js';
import { TRACE_SOURCE_NAMES } from './workload-schema.js';

/** One of {@link TRACE_SOURCE_NAMES}. */
export type TraceSourceName = (typeof TRACE_SOURCE_NAMES)[number];

/** Environment variable naming the directory of the named traces (overrides the default location). */
export const TRACES_ENV = 'FLOTILLA_TRACES';

/**
 * The files behind the named trace sources, inside the traces directory.
 *
 * @example
 * ```ts
 * NAMED_TRACES['azure-conv'].file; // "AzureLLMInferenceTrace_conv.csv"
 * ```
 */
export const NAMED_TRACES: Readonly<
  Record<TraceSourceName, { readonly file: string; readonly format: TraceFileFormat }>
> = {
  'azure-code': { file: 'AzureLLMInferenceTrace_code.csv', format: 'azure-csv' },
  'azure-conv': { file: 'AzureLLMInferenceTrace_conv.csv', format: 'azure-csv' },
  mooncake: { file: 'mooncake_conversation_trace.jsonl', format: 'mooncake-jsonl' },
};

/**
 * The repository root above `fromDir`: the nearest directory holding `pnpm-workspace.yaml`, or `undefined`.
 *
 * @example
 * ```ts
 * findRepositoryRoot('/work/main/examples/failover'); // "/work/main"
 * ```
 */
export function findRepositoryRoot(fromDir: string): string | undefined {
  let dir = resolve(fromDir);
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * Where the named traces live: `explicit` if given, else `$FLOTILLA_TRACES` (relative to the current
 * directory), else the repository's own `data/traces` (or `../shared/data/traces` beside the repository)
 * from the repository root found above `fromDir`; `undefined` when none applies.
 *
 * @example
 * ```ts
 * locateTracesDir({ fromDir: '/work/main/examples/llm' }); // "/work/main/data/traces"
 * ```
 */
export function locateTracesDir(options: {
  readonly explicit?: string | undefined;
  readonly fromDir: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
}): string | undefined {
  if (options.explicit !== undefined) return resolve(options.explicit);
  const fromEnv = (options.env ?? process.env)[TRACES_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return resolve(fromEnv);
  const root = findRepositoryRoot(options.fromDir);
  if (root === undefined) return undefined;
  // The traces ship with the repository (data/traces); a checkout beside the shared data set also works.
  const bundled = resolve(root, 'data', 'traces');
  return existsSync(bundled) ? bundled : resolve(root, '..', 'shared', 'data', 'traces');
}

/** Where a trace `source` points, or why it cannot be used. */
export type TraceLocation =
  | { readonly ok: true; readonly path: string; readonly format: TraceFileFormat }
  | { readonly ok: false; readonly message: string };

/**
 * Resolves a trace `source`: a named source inside `tracesDir`, or a path (relative to `baseDir`, the
 * scenario file's directory) whose extension gives the format. With `checkFiles`, the file must exist.
 *
 * @example
 * ```ts
 * locateTrace('mooncake', { baseDir: '.', tracesDir: '/data/traces', checkFiles: false });
 * // { ok: true, path: '/data/traces/mooncake_conversation_trace.jsonl', format: 'mooncake-jsonl' }
 * ```
 */
export function locateTrace(
  source: string,
  options: { readonly baseDir: string; readonly tracesDir: string | undefined; readonly checkFiles: boolean },
): TraceLocation {
  const named = (TRACE_SOURCE_NAMES as readonly string[]).includes(source)
    ? NAMED_TRACES[source as TraceSourceName]
    : undefined;
  let path: string;
  let format: TraceFileFormat;
  if (named !== undefined) {
    if (options.tracesDir === undefined) {
      return {
        ok: false,
        message: `must name a trace in the traces directory, but none was found (set ${TRACES_ENV})`,
      };
    }
    path = join(options.tracesDir, named.file);
    format = named.format;
  } else {
    const extension = extname(source).toLowerCase();
    if (extension !== '.csv' && extension !== '.jsonl') {
      return {
        ok: false,
        message: `must be ${TRACE_SOURCE_NAMES.join(' | ')} or a path ending in .csv (Azure) or .jsonl (Mooncake)`,
      };
    }
    path = isAbsolute(source) ? source : resolve(options.baseDir, source);
    format = extension === '.csv' ? 'azure-csv' : 'mooncake-jsonl';
  }
  if (options.checkFiles && !existsSync(path)) {
    return { ok: false, message: `must name an existing file (looked for ${path})` };
  }
  return { ok: true, path, format };
}
