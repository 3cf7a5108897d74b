import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isConfigError } from '@flotilla/core';
import { afterAll, describe, expect, it } from 'vitest';
import { azureTraceWorkload } from '../../src/workload/azure-trace.js';
import { LineReader } from '../../src/workload/line-reader.js';
import { mooncakeTraceWorkload } from '../../src/workload/mooncake-trace.js';
import type { TraceWorkload } from '../../src/workload/trace-replay.js';
import { gapsOf, meanAndVariance, runWorkload } from './fake-context.js';

// The traces ship with the repository (see data/traces/README.md).
const TRACES = join(import.meta.dirname, '../../../../data/traces');
const CODE = join(TRACES, 'AzureLLMInferenceTrace_code.csv');
const CONV = join(TRACES, 'AzureLLMInferenceTrace_conv.csv');
const MOONCAKE = join(TRACES, 'mooncake_conversation_trace.jsonl');
const mix = { type: 'llm', priority: 'medium' } as const;

const scratch = mkdtempSync(join(tmpdir(), 'flotilla-trace-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(scratch, name);
  writeFileSync(path, text);
  return path;
}

function configErrorOf(run: () => unknown): { field: string; message: string } {
  try {
    run();
  } catch (error) {
    if (isConfigError(error)) return error;
    throw error;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

function replay(workload: TraceWorkload, startMs = 0) {
  const context = runWorkload(workload, 1, { startMs });
  const { times, arrivals } = context;
  const last = times[times.length - 1] as number;
  const mean = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  return {
    times,
    arrivals,
    ratePerSec: times.length / ((last - (times[0] as number)) / 1000),
    meanOutput: mean(arrivals.map((arrival) => arrival.outputTokens as number)),
  };
}

describe('azureTraceWorkload', () => {
  it.each([
    { path: CODE, rows: 8_819, ratePerSec: 2.57, meanOutput: 27.9, gapCv: 13 },
    { path: CONV, rows: 19_366, ratePerSec: 5.53, meanOutput: 211, gapCv: 1.1 },
  ])(
    'reproduces the README: $rows rows, $ratePerSec req/s, mean output $meanOutput, gap cv $gapCv',
    (facts) => {
      const workload = azureTraceWorkload({ path: facts.path, mix });
      const result = replay(workload);
      expect(result.times).toHaveLength(facts.rows);
      expect(workload.replayedRows).toBe(facts.rows);
      expect(workload.skippedRows).toBe(0);
      expect(workload.outOfOrderRows).toBe(0);
      // The README rounds to two decimals, three significant digits and "about" respectively.
      expect(Math.abs(result.ratePerSec - facts.ratePerSec)).toBeLessThan(0.005);
      expect(Math.abs(result.meanOutput - facts.meanOutput)).toBeLessThan(
        facts.meanOutput < 100 ? 0.05 : 0.5,
      );
      const { mean, variance } = meanAndVariance(gapsOf(result.times));
      expect(Math.abs(Math.sqrt(variance) / mean - facts.gapCv) / facts.gapCv).toBeLessThan(0.05);
    },
  );

  it("replays the code trace's longest silence, 217 s", () => {
    const gaps = gapsOf(replay(azureTraceWorkload({ path: CODE, mix })).times);
    expect(Math.floor(Math.max(...gaps) / 1000)).toBe(217);
  });

  it('maps each row to an arrival: time since the first row, tokens, and the mix', () => {
    const { times, arrivals } = replay(azureTraceWorkload({ path: CODE, maxTasks: 3, mix }), 1_000);
    // 18:17:03.9799600, 18:17:04.0319600, 18:17:04.0781490 (exactly 52 and 98.189 ms apart).
    expect(times.slice(0, 2)).toEqual([1_000, 1_052]);
    expect(times[2]).toBeCloseTo(1_098.189, 9);
    expect(arrivals[0]).toEqual({ type: 'llm', priority: 'medium', inputTokens: 4808, outputTokens: 10 });
    expect(arrivals.map((arrival) => arrival.inputTokens)).toEqual([4808, 3180, 110]);
  });

  it('compresses time exactly by timeScale', () => {
    const base = replay(azureTraceWorkload({ path: CONV, mix })).times;
    for (const timeScale of [2, 3, 0.25]) {
      const scaled = replay(azureTraceWorkload({ path: CONV, timeScale, mix })).times;
      expect(scaled).toEqual(base.map((time) => time / timeScale));
    }
  });

  it('skips and counts malformed rows, never throwing, and reads CRLF files', () => {
    const path = file(
      'bad.csv',
      [
        'TIMESTAMP,ContextTokens,GeneratedTokens',
        '2023-11-16 18:00:00.0000000,10,1',
        'not a row',
        '2023-11-16 18:00:01.5,20,2', // a short fraction is fine
        '2023-02-30 18:00:02.0000000,5,5', // no 30 February
        '2023-11-16 18:00:02.0000000,-5,5',
        '2023-11-16 18:00:02.0000000,5',
        '',
        '2023-11-16 18:00:03.0000000,5,x',
        '2023-11-16 17:59:59.0000000,7,7', // earlier than the row before: replayed at its time
        '2023-11-17 00:00:00.0000000,30,3', // across midnight
      ].join('\r\n'),
    );
    const workload = azureTraceWorkload({ path, mix });
    const { times, arrivals } = replay(workload);
    expect(times).toEqual([0, 1_500, 1_500, 21_600_000]);
    expect(arrivals.map((arrival) => arrival.outputTokens)).toEqual([1, 2, 7, 3]);
    expect(workload.skippedRows).toBe(5);
    expect(workload.outOfOrderRows).toBe(1);
    expect(workload.readError).toBeUndefined();
  });

  it('finds its columns by header name, in any order', () => {
    const path = file(
      'reordered.csv',
      'GeneratedTokens,Extra,TIMESTAMP,ContextTokens\n9,x,2023-01-01 00:00:00,100\n',
    );
    expect(replay(azureTraceWorkload({ path, mix })).arrivals).toEqual([
      { ...mix, inputTokens: 100, outputTokens: 9 },
    ]);
  });

  it('throws at construction, naming the path, for a missing file or a file of another format', () => {
    const missing = configErrorOf(() =>
      azureTraceWorkload({ path: '/no/such/trace.csv', mix }, 'workload[0]'),
    );
    expect(missing.field).toBe('workload[0].path');
    expect(missing.message).toContain('/no/such/trace.csv');
    expect(missing.message).toContain('ENOENT');
    expect(configErrorOf(() => azureTraceWorkload({ path: MOONCAKE, mix })).message).toMatch(
      /^path must name an Azure LLM trace CSV with the columns TIMESTAMP, ContextTokens, GeneratedTokens/,
    );
    expect(configErrorOf(() => azureTraceWorkload({ path: CODE, timeScale: 0, mix })).field).toBe(
      'timeScale',
    );
    expect(configErrorOf(() => azureTraceWorkload({ path: CODE, maxTasks: 0.5, mix })).field).toBe(
      'maxTasks',
    );
  });

  it('stops when the context turns inactive and restarts from the top on the next start', () => {
    const workload = azureTraceWorkload({ path: CODE, mix });
    expect(runWorkload(workload, 1, { maxTasks: 10 }).times).toHaveLength(10);
    expect(workload.replayedRows).toBe(10);
    // Rows at 0, 52, 98, 141, 445, 539, 699 and then 1,016 ms: seven in the first second.
    expect(runWorkload(workload, 1, { untilMs: 1_000 }).times).toHaveLength(7);
    expect(workload.replayedRows).toBe(7);
  });
});

describe('mooncakeTraceWorkload', () => {
  it('reproduces the README: 12,031 rows over about 59 minutes, 36.6% of prefix blocks repeated', () => {
    const workload = mooncakeTraceWorkload({ path: MOONCAKE, mix });
    const { times, arrivals } = replay(workload);
    expect(times).toHaveLength(12_031);
    expect(workload.skippedRows).toBe(0);
    expect(times[times.length - 1]).toBe(3_536_999);
    const seen = new Set<number>();
    let blocks = 0;
    let repeated = 0;
    for (const arrival of arrivals) {
      for (const block of arrival.prefixBlocks ?? []) {
        blocks++;
        if (seen.has(block)) repeated++;
        seen.add(block);
      }
    }
    expect((100 * repeated) / blocks).toBeCloseTo(36.6, 1);
  });

  it('maps a row to sizes, prefix blocks, and its second block (where conversations part) as the affinity key', () => {
    const { arrivals } = replay(
      mooncakeTraceWorkload({ path: MOONCAKE, maxTasks: 2, mix: { ...mix, affinityKeys: 10 } }),
    );
    expect(arrivals[0]).toEqual({
      type: 'llm',
      priority: 'medium',
      affinityKey: '1',
      inputTokens: 6758,
      outputTokens: 500,
      prefixBlocks: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13],
    });
    expect(arrivals[1]?.prefixBlocks?.[1]).toBe(14);
  });

  it('compresses time exactly by timeScale', () => {
    const base = replay(mooncakeTraceWorkload({ path: MOONCAKE, mix })).times;
    const scaled = replay(mooncakeTraceWorkload({ path: MOONCAKE, timeScale: 7, mix })).times;
    expect(scaled).toEqual(base.map((time) => time / 7));
  });

  it('skips and counts malformed rows, timing from the first valid row', () => {
    const path = file(
      'bad.jsonl',
      [
        '{"timestamp": 1000, "input_length": 10, "output_length": 1, "hash_ids": [5, 6]}',
        '{"timestamp": 2000, "input_length": 10, "output_length": 1, "hash_ids": [5, 7]', // cut short
        '{"timestamp": 2500, "input_length": -1, "output_length": 1, "hash_ids": []}',
        '{"timestamp": 3000, "input_length": 10, "output_length": 1.5, "hash_ids": []}',
        '{"timestamp": 3000, "input_length": 10, "output_length": 1, "hash_ids": [1, "x"]}',
        '[1, 2, 3]',
        'null',
        '{"timestamp": 4000, "input_length": 20, "output_length": 2, "hash_ids": []}',
        '',
      ].join('\n'),
    );
    const workload = mooncakeTraceWorkload({ path, mix });
    const { times, arrivals } = replay(workload);
    expect(times).toEqual([0, 3_000]);
    expect(arrivals[1]).toEqual({ ...mix, inputTokens: 20, outputTokens: 2, prefixBlocks: [] });
    expect(workload.skippedRows).toBe(6);
  });

  it('throws at construction, naming the path, for a missing, empty or non-JSON file', () => {
    expect(
      configErrorOf(() => mooncakeTraceWorkload({ path: join(scratch, 'none.jsonl'), mix })).message,
    ).toContain('none.jsonl');
    expect(
      configErrorOf(() => mooncakeTraceWorkload({ path: file('empty.jsonl', '\n\n'), mix })).message,
    ).toContain('found an empty file');
    expect(configErrorOf(() => mooncakeTraceWorkload({ path: CODE, mix })).message).toMatch(
      /^path must name a Mooncake JSONL trace/,
    );
  });
});

describe('LineReader', () => {
  it('splits lines correctly across chunk boundaries, multi-byte characters included', () => {
    const lines = ['\uFEFFfirst', 'é à ü', '', '🚀 rocket', 'x'.repeat(50), 'last, no newline'];
    const path = file('lines.txt', lines.join('\n'));
    for (const chunkBytes of [1, 2, 3, 7, 64, 4096]) {
      const reader = new LineReader(path, chunkBytes);
      const read: string[] = [];
      for (let line = reader.next(); line !== undefined; line = reader.next()) read.push(line);
      expect(read).toEqual(['first', ...lines.slice(1)]);
      expect(reader.next()).toBeUndefined();
    }
  });
});
