import { ConfigError } from '@flotilla/core';
import type { LineReader } from './line-reader.js';
import type { MutableArrival } from './mix.js';
import {
  checkTrace,
  traceWorkload,
  type TraceFormat,
  type TraceWorkload,
  type TraceWorkloadOptions,
} from './trace-replay.js';

/** Parameters of {@link azureTraceWorkload}. */
export type AzureTraceWorkloadOptions = TraceWorkloadOptions;

/** The workload {@link azureTraceWorkload} returns. */
export interface AzureTraceWorkload extends TraceWorkload {
  readonly name: 'azure-trace';
}

/** The columns read, matched case-insensitively in the header; others are ignored. */
const COLUMNS = ['TIMESTAMP', 'ContextTokens', 'GeneratedTokens'] as const;

/**
 * Replays an Azure LLM inference trace (Azure Public Dataset, 2023: `AzureLLMInferenceTrace_code.csv`,
 * `AzureLLMInferenceTrace_conv.csv`). Each row becomes one arrival with `inputTokens` = `ContextTokens` and
 * `outputTokens` = `GeneratedTokens`, at `(TIMESTAMP − first TIMESTAMP) / timeScale` after the workload
 * starts; type, priority and tenant come from `mix`.
 *
 * Timestamps (`YYYY-MM-DD HH:MM:SS.fffffff`, UTC) are kept as whole milliseconds plus nanoseconds, so the
 * 100 ns resolution of the trace survives the subtraction (as one float, epoch milliseconds would keep
 * only about 0.2 µs). Rows that do not parse (a bad date, a missing or negative token count) are skipped
 * and counted in `skippedRows`; the replay never throws once started.
 *
 * Data: CC BY 4.0, Patel et al., "Splitwise: Efficient Generative LLM Inference Using Phase Splitting",
 * ISCA 2024; cite them where results built on the trace are shown.
 *
 * @param field - where the options sit in a config, prefixed to names in errors (`workload[0].path`).
 * @throws {@link ConfigError} naming the path when the file is missing, unreadable or has no header with
 *   the columns `TIMESTAMP`, `ContextTokens` and `GeneratedTokens`, and naming the option when an option
 *   is invalid.
 *
 * @example
 * ```ts
 * const workload = azureTraceWorkload({
 *   path: 'data/traces/AzureLLMInferenceTrace_conv.csv',
 *   timeScale: 2, // twice as fast: about 11 requests per simulated second
 *   mix: { type: 'llm', priority: 'medium' },
 * });
 * ```
 */
export function azureTraceWorkload(options: AzureTraceWorkloadOptions, field = ''): AzureTraceWorkload {
  let columns: readonly number[] = [];
  const trace = checkTrace(options, field, (lines: LineReader, pathField: string) => {
    columns = headerColumns(lines.next(), pathField, options.path);
  });
  const [timestampColumn, inputColumn, outputColumn] = columns as [number, number, number];
  const width = Math.max(...columns) + 1;

  const createFormat = (): TraceFormat => {
    // Scratch for the row being parsed, reused: no allocation per row beyond the split.
    const stamp: Timestamp = { ms: 0, ns: 0 };
    let firstMs = Number.NaN;
    let firstNs = 0;
    let inputTokens = 0;
    let outputTokens = 0;
    return {
      parse(line) {
        const cells = line.split(',');
        if (cells.length < width) return undefined;
        const input = parseCount(cells[inputColumn] as string);
        const output = parseCount(cells[outputColumn] as string);
        if (input === undefined || output === undefined) return undefined;
        if (!parseTimestamp(cells[timestampColumn] as string, stamp)) return undefined;
        inputTokens = input;
        outputTokens = output;
        if (Number.isNaN(firstMs)) {
          firstMs = stamp.ms;
          firstNs = stamp.ns;
        }
        return stamp.ms - firstMs + (stamp.ns - firstNs) / 1e6;
      },
      apply(arrival: MutableArrival) {
        arrival.inputTokens = inputTokens;
        arrival.outputTokens = outputTokens;
      },
    };
  };
  return traceWorkload('azure-trace', trace, 1, createFormat);
}

function headerColumns(header: string | undefined, pathField: string, path: unknown): number[] {
  const names = (header ?? '').split(',').map((cell) => cell.trim().toLowerCase());
  const columns = COLUMNS.map((column) => names.indexOf(column.toLowerCase()));
  if (columns.some((column) => column < 0)) {
    const found = header === undefined ? 'an empty file' : `header ${JSON.stringify(header.slice(0, 80))}`;
    throw new ConfigError(
      pathField,
      `name an Azure LLM trace CSV with the columns ${COLUMNS.join(', ')} (found ${found})`,
      path,
    );
  }
  return columns;
}

/** A token count: a non-negative integer, written in digits only. */
function parseCount(cell: string): number | undefined {
  const text = cell.trim();
  if (!/^\d{1,15}$/.test(text)) return undefined;
  return Number(text);
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/;

/** A parsed timestamp: whole UTC milliseconds since the epoch and the nanoseconds beyond them. */
interface Timestamp {
  ms: number;
  ns: number;
}

/** Parses `YYYY-MM-DD HH:MM:SS[.fffffff]` (UTC) into `out`; false if it is not a valid time. */
function parseTimestamp(cell: string, out: Timestamp): boolean {
  const match = TIMESTAMP.exec(cell.trim());
  if (match === null) return false;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return false;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC rolls 31 April over to 1 May: a day that changed is a day that does not exist.
  if (new Date(ms).getUTCDate() !== day) return false;
  const fraction = match[7] ?? '';
  const nanos = Number(fraction.padEnd(9, '0'));
  out.ms = ms + Math.floor(nanos / 1e6);
  out.ns = nanos % 1e6;
  return true;
}
