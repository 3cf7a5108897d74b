import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  findRepositoryRoot,
  isScenarioError,
  loadScenario,
  locateTracesDir,
  NAMED_TRACES,
  parseScenario,
  type TraceArrivals,
} from '../../src/scenario/index.js';

/** A scratch tree: <tmp>/repo/{pnpm-workspace.yaml, scenarios/, data/} and <tmp>/shared/data/traces. */
const tmp = mkdtempSync(join(tmpdir(), 'flotilla-scenario-'));
const repo = join(tmp, 'repo');
const scenarios = join(repo, 'scenarios');
const sharedTraces = join(tmp, 'shared', 'data', 'traces');
const otherTraces = join(tmp, 'other-traces');
for (const dir of [scenarios, join(repo, 'data'), sharedTraces, otherTraces])
  mkdirSync(dir, { recursive: true });
writeFileSync(join(repo, 'pnpm-workspace.yaml'), 'packages: []\n');
writeFileSync(join(repo, 'data', 'mine.jsonl'), '');
for (const dir of [sharedTraces, otherTraces]) {
  for (const { file } of Object.values(NAMED_TRACES)) writeFileSync(join(dir, file), '');
}

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function scenarioWith(source: string): string {
  return `
stop: { time: 10 }
agents: [{ type: llm, service: { model: tokens, base: 0.1, perOutputToken: 0.01 } }]
workload: [{ arrivals: { process: trace, source: ${JSON.stringify(source)} }, affinityKeys: trace }]
`;
}

function write(name: string, text: string): string {
  const path = join(scenarios, name);
  writeFileSync(path, text);
  return path;
}

function traceOf(path: string, options: Parameters<typeof loadScenario>[1] = {}): TraceArrivals {
  const arrivals = loadScenario(path, { env: {}, ...options }).workload[0]?.arrivals;
  if (arrivals?.process !== 'trace') throw new Error('expected a trace workload');
  return arrivals;
}

describe('loadScenario', () => {
  it('resolves relative trace paths against the scenario file', () => {
    const path = write('relative.yaml', scenarioWith('../data/mine.jsonl'));
    expect(traceOf(path)).toEqual({
      process: 'trace',
      source: '../data/mine.jsonl',
      path: join(repo, 'data', 'mine.jsonl'),
      format: 'mooncake-jsonl',
      timeScale: 1,
      maxTasks: undefined,
    });
  });

  it('finds named traces in ../shared/data/traces above the repository root', () => {
    expect(findRepositoryRoot(scenarios)).toBe(repo);
    const path = write('named.yaml', scenarioWith('mooncake'));
    expect(traceOf(path).path).toBe(join(sharedTraces, 'mooncake_conversation_trace.jsonl'));
  });

  it('takes the traces directory from FLOTILLA_TRACES, and an explicit option over both', () => {
    const path = write('env.yaml', scenarioWith('mooncake'));
    expect(traceOf(path, { env: { FLOTILLA_TRACES: otherTraces } }).path).toBe(
      join(otherTraces, 'mooncake_conversation_trace.jsonl'),
    );
    expect(traceOf(path, { env: { FLOTILLA_TRACES: '/nowhere' }, tracesDir: otherTraces }).path).toBe(
      join(otherTraces, 'mooncake_conversation_trace.jsonl'),
    );
  });

  it('keeps absolute trace paths', () => {
    const absolute = join(repo, 'data', 'mine.jsonl');
    expect(traceOf(write('absolute.yaml', scenarioWith(absolute))).path).toBe(absolute);
  });

  it('throws a ScenarioError naming the file before doing anything else', () => {
    const path = write('invalid.yaml', scenarioWith('missing.jsonl').replace('base: 0.1', 'base: -1'));
    let error: unknown;
    try {
      loadScenario(path);
    } catch (caught) {
      error = caught;
    }
    expect(isScenarioError(error)).toBe(true);
    // The schema error alone: the missing trace is not even looked for while a field is invalid.
    expect((error as Error).message).toBe(
      `invalid scenario ${path} (1 issue):\n  agents[0].service.base: must be ≥ 0, got -1`,
    );
  });

  it('reports a missing trace file once the fields are valid', () => {
    const path = write('missing.yaml', scenarioWith('missing.jsonl'));
    expect(() => loadScenario(path)).toThrow(
      `workload[0].arrivals.source: must name an existing file (looked for ${join(scenarios, 'missing.jsonl')}), got "missing.jsonl"`,
    );
  });

  it('reports a file it cannot read', () => {
    const path = join(scenarios, 'absent.yaml');
    expect(() => loadScenario(path)).toThrow(
      `invalid scenario ${path} (1 issue):\n  (root): cannot be read (ENOENT)`,
    );
  });
});

describe('the traces directory of this repository', () => {
  const here = dirname(fileURLToPath(import.meta.url));
  const root = findRepositoryRoot(here);
  // The traces ship with the repository, so a fresh clone anywhere can replay them.
  const bundled = root === undefined ? '' : join(root, 'data', 'traces');

  it('is the data/traces of the repository, found from anywhere inside it', () => {
    expect(root).toBeDefined();
    expect(locateTracesDir({ fromDir: here, env: {} })).toBe(bundled);
  });

  it('holds the three named traces', () => {
    for (const source of ['azure-code', 'azure-conv', 'mooncake']) {
      const scenario = parseScenario(
        scenarioWith(source).replace('affinityKeys: trace', 'priority: low'),
        'x',
        {
          baseDir: here,
          env: {},
        },
      );
      const arrivals = scenario.workload[0]?.arrivals as TraceArrivals;
      expect(existsSync(arrivals.path)).toBe(true);
      expect(arrivals.format).toBe(source === 'mooncake' ? 'mooncake-jsonl' : 'azure-csv');
    }
  });
});
