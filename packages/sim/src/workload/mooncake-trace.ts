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

/** Parameters of {@link mooncakeTraceWorkload}. */
export type MooncakeTraceWorkloadOptions = TraceWorkloadOptions;

/** The workload {@link mooncakeTraceWorkload} returns. */
export interface MooncakeTraceWorkload extends TraceWorkload {
  readonly name: 'mooncake-trace';
}

/** One row of the trace, as JSON gives it before validation. */
interface MooncakeRow {
  readonly timestamp?: unknown;
  readonly input_length?: unknown;
  readonly output_length?: unknown;
  readonly hash_ids?: unknown;
}

/**
 * Replays a Mooncake trace (FAST'25, `mooncake_conversation_trace.jsonl`): one JSON object per line with
 * `timestamp` (ms since the trace's start), `input_length`, `output_length` and `hash_ids`, the ids of the
 * row's 512-token prompt-prefix blocks. Each row becomes one arrival at
 * `(timestamp − first timestamp) / timeScale` after the workload starts, with `inputTokens`,
 * `outputTokens` and `prefixBlocks` = `hash_ids`.
 *
 * The row's `affinityKey` is its second block id (its first if it has one), as a string. Mooncake's block
 * ids are chained hashes: a block id is equal only if the whole prefix up to it is, so requests with
 * equal keys share at least their first two blocks. The first block alone is the system prompt that
 * every row of the conversation trace shares (block 0): keyed on it, cache-affinity routing would send
 * the whole trace to one agent. The second block is where conversations part ways, and a conversation's
 * later turns repeat it, which is what a prefix cache on a consistently chosen agent can reuse.
 * A row with no blocks keeps the mix's key, if any.
 *
 * Rows that do not parse (bad JSON, a missing field, a negative or fractional length, a non-integer
 * block id) are skipped and counted in `skippedRows`; the replay never throws once started.
 *
 * Data: Apache-2.0; cite Qin et al., "Mooncake: A KVCache-centric Disaggregated Architecture for LLM
 * Serving", FAST 2025, where results built on the trace are shown.
 *
 * @param field - where the options sit in a config, prefixed to names in errors (`workload[0].path`).
 * @throws {@link ConfigError} naming the path when the file is missing, unreadable, empty or does not start
 *   with a JSON object, and naming the option when an option is invalid.
 *
 * @example
 * ```ts
 * const workload = mooncakeTraceWorkload({
 *   path: 'data/traces/mooncake_conversation_trace.jsonl',
 *   mix: { type: 'llm', priority: 'medium' },
 * });
 * // a conversation's turns share their second block id, their affinityKey
 * ```
 */
export function mooncakeTraceWorkload(
  options: MooncakeTraceWorkloadOptions,
  field = '',
): MooncakeTraceWorkload {
  const trace = checkTrace(options, field, (lines: LineReader, pathField: string) => {
    let line = lines.next();
    while (line !== undefined && line.trim().length === 0) line = lines.next();
    if (line === undefined || !line.trimStart().startsWith('{')) {
      const found = line === undefined ? 'an empty file' : `first line ${JSON.stringify(line.slice(0, 80))}`;
      throw new ConfigError(
        pathField,
        `name a Mooncake JSONL trace, one JSON object per line (found ${found})`,
        options.path,
      );
    }
  });

  const createFormat = (): TraceFormat => {
    let firstMs = Number.NaN;
    let inputTokens = 0;
    let outputTokens = 0;
    let blocks: readonly number[] = [];
    return {
      parse(line) {
        let row: MooncakeRow;
        try {
          row = JSON.parse(line) as MooncakeRow;
        } catch {
          return undefined;
        }
        if (typeof row !== 'object' || row === null) return undefined;
        const { timestamp, input_length: input, output_length: output, hash_ids: ids } = row;
        if (typeof timestamp !== 'number' || !Number.isFinite(timestamp) || timestamp < 0) return undefined;
        if (!isCount(input) || !isCount(output) || !Array.isArray(ids) || !ids.every(isCount))
          return undefined;
        inputTokens = input;
        outputTokens = output;
        blocks = ids as number[];
        if (Number.isNaN(firstMs)) firstMs = timestamp;
        return timestamp - firstMs;
      },
      apply(arrival: MutableArrival) {
        arrival.inputTokens = inputTokens;
        arrival.outputTokens = outputTokens;
        arrival.prefixBlocks = blocks;
        if (blocks.length > 0) arrival.affinityKey = String(blocks[Math.min(1, blocks.length - 1)]);
      },
    };
  };
  return traceWorkload('mooncake-trace', trace, 0, createFormat);
}

/** A non-negative integer that a double holds exactly. */
function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
