import { resolve } from 'node:path';
import { checkInteger, checkPositive, ConfigError } from '@flotilla/core';
import type { Rng } from '@flotilla/core';
import { LineReader } from './line-reader.js';
import { compileMix, type CompiledMix, type MutableArrival, type WorkloadMix } from './mix.js';
import { checkOptions, fieldPath } from './validate.js';
import type { Workload, WorkloadContext } from './workload.js';

/** Options shared by the trace readers. */
export interface TraceWorkloadOptions {
  /** The trace file; a relative path resolves against the working directory at construction. */
  readonly path: string;
  /**
   * Speed-up, > 0 (default 1): a row recorded `d` ms after the first arrives `d / timeScale` ms after the
   * workload starts. 2 replays twice as fast (twice the rate), 0.5 at half speed.
   */
  readonly timeScale?: number;
  /** Replays at most this many rows, an integer ≥ 1 (default: all). */
  readonly maxTasks?: number;
  /**
   * Type, priority, tenant and affinity of the replayed tasks, which the traces do not record. Fields the
   * trace does record (sizes, and Mooncake's affinity key) take precedence over the mix.
   */
  readonly mix: WorkloadMix;
}

/** A trace replay: a {@link Workload} that also counts what it read. */
export interface TraceWorkload extends Workload {
  /** Absolute path of the trace file. */
  readonly path: string;
  readonly timeScale: number;
  readonly maxTasks: number;
  /** Rows submitted so far in the latest run. */
  readonly replayedRows: number;
  /** Malformed rows skipped so far in the latest run (blank lines are not rows and are not counted). */
  readonly skippedRows: number;
  /**
   * Rows whose timestamp was earlier than the row before, replayed at the previous row's time instead (an
   * event cannot be scheduled in the past; keeping file order keeps the replay faithful otherwise).
   */
  readonly outOfOrderRows: number;
  /** The I/O error that ended the latest run's replay early, if one did; it is reported, not thrown. */
  readonly readError: Error | undefined;
}

/**
 * One trace format: how to parse a row. A format object is created per run and holds the current row
 * (O(1) state); the replay parses a row only when the previous one has been submitted.
 */
export interface TraceFormat {
  /**
   * Parses `line` as the current row. Returns its time in ms after the trace's first valid row (the
   * format remembers that row), or `undefined` when the row is malformed.
   */
  parse(line: string): number | undefined;
  /** Adds the current row's fields (sizes, prefix blocks, ...) to `arrival`. */
  apply(arrival: MutableArrival): void;
}

/** Validated options and the opened file, as the readers build them. */
export interface CheckedTrace {
  readonly path: string;
  readonly timeScale: number;
  readonly maxTasks: number;
  readonly mix: CompiledMix;
}

/**
 * Validates {@link TraceWorkloadOptions} and reads the file's first chunk, so a missing or unreadable file
 * fails at construction with an error naming the path. `check` inspects the file's first lines (a header,
 * a first row) and throws a {@link ConfigError} if the file is not in the format.
 */
export function checkTrace(
  options: TraceWorkloadOptions,
  field: string,
  check: (lines: LineReader, pathField: string) => void,
): CheckedTrace {
  checkOptions(field, options);
  const pathField = fieldPath(field, 'path');
  const given: unknown = options.path;
  if (typeof given !== 'string' || given.length === 0) {
    throw new ConfigError(pathField, 'be the path of a trace file', given);
  }
  const timeScale =
    options.timeScale === undefined ? 1 : checkPositive(fieldPath(field, 'timeScale'), options.timeScale);
  const maxTasks =
    options.maxTasks === undefined
      ? Number.POSITIVE_INFINITY
      : checkInteger(fieldPath(field, 'maxTasks'), options.maxTasks, 1);
  const mix = compileMix(options.mix, fieldPath(field, 'mix'));
  const path = resolve(given);
  let lines: LineReader;
  try {
    lines = new LineReader(path);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const reason = typeof code === 'string' ? code : String(error);
    throw new ConfigError(pathField, `name a readable trace file (${reason} for ${path})`, given);
  }
  check(lines, pathField);
  return { path, timeScale, maxTasks, mix };
}

/**
 * Builds the {@link TraceWorkload} of a checked trace. Each `start` opens the file afresh, skips
 * `headerLines`, and replays it row by row: a row is read and parsed only when the one before it has been
 * submitted, and arrives `offset / timeScale` ms after the start.
 */
export function traceWorkload<const N extends string>(
  name: N,
  trace: CheckedTrace,
  headerLines: number,
  createFormat: () => TraceFormat,
): TraceWorkload & { readonly name: N } {
  let replayedRows = 0;
  let skippedRows = 0;
  let outOfOrderRows = 0;
  let reader: LineReader | undefined;
  let openError: Error | undefined;

  return {
    name,
    path: trace.path,
    timeScale: trace.timeScale,
    maxTasks: trace.maxTasks,
    get replayedRows() {
      return replayedRows;
    },
    get skippedRows() {
      return skippedRows;
    },
    get outOfOrderRows() {
      return outOfOrderRows;
    },
    get readError() {
      return openError ?? reader?.error;
    },
    start(context: WorkloadContext, rng: Rng): void {
      replayedRows = 0;
      skippedRows = 0;
      outOfOrderRows = 0;
      reader = undefined;
      openError = undefined;
      let lines: LineReader;
      try {
        lines = new LineReader(trace.path);
      } catch (error) {
        // Readable at construction, gone now: report it, do not throw into the simulation.
        openError = error instanceof Error ? error : new Error(String(error));
        return;
      }
      reader = lines;
      for (let i = 0; i < headerLines; i++) lines.next();
      const format = createFormat();
      const sample = trace.mix.bind(rng);
      const origin = context.now();
      let offset = 0;
      let time = origin;

      // Reads up to the next well-formed row; false at the end of the file.
      const advance = (): boolean => {
        for (let line = lines.next(); line !== undefined; line = lines.next()) {
          if (line.trim().length === 0) continue;
          const rowOffset = format.parse(line);
          if (rowOffset === undefined) {
            skippedRows++;
            continue;
          }
          if (rowOffset < offset) outOfOrderRows++;
          else offset = rowOffset;
          time = origin + offset / trace.timeScale;
          return true;
        }
        return false;
      };

      const fire = (): void => {
        if (!context.active()) return;
        const arrival = sample();
        format.apply(arrival);
        context.submit(arrival);
        replayedRows++;
        if (replayedRows < trace.maxTasks && advance()) context.at(time, fire);
      };
      if (advance()) context.at(time, fire);
    },
  };
}
