import { describeValue, FlotillaError, isFlotillaError, STRATEGY_NAMES } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import {
  formatIssue,
  formatPath,
  INVALID_SCENARIO,
  isScenarioError,
  parseScenario,
  ScenarioError,
  validateScenario,
  type ScenarioOptions,
} from '../../src/scenario/index.js';

const BASE_YAML = `
seed: 7
stop: { tasks: 1000 }
agents:
  - { type: worker, count: 10, service: { dist: exponential, mean: 1 } }
  - { type: llm, count: 2, service: { model: tokens, base: 0.2, perOutputToken: 0.02 } }
workload:
  - { type: worker, arrivals: { process: poisson, rate: 5 } }
  - { type: llm, arrivals: { process: trace, source: azure-conv } }
`;
const BASE: unknown = YAML.parse(BASE_YAML);
const OPTIONS: ScenarioOptions = { tracesDir: '/traces', checkFiles: false };

/** Marks a key for deletion in a patch. */
const REMOVE = Symbol('remove');
/** Replaces a whole list instead of patching it entry by entry. */
class Replace {
  constructor(readonly value: unknown) {}
}

/** `base` with `patch` merged in: objects by key, lists entry by entry (`undefined` leaves an entry). */
function merge(base: unknown, patch: unknown): unknown {
  if (patch instanceof Replace) return patch.value;
  if (Array.isArray(patch) && Array.isArray(base)) {
    const out: unknown[] = [...base];
    patch.forEach((entry: unknown, i) => {
      if (entry !== undefined) out[i] = merge(base[i], entry);
    });
    return out;
  }
  if (isRecord(patch) && isRecord(base)) {
    const out: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(patch)) {
      if (value === REMOVE) delete out[key];
      else out[key] = merge(base[key], value);
    }
    return out;
  }
  return patch;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The issue lines for BASE with `patch` applied; [] when it is valid. */
function problems(patch: unknown, options: ScenarioOptions = OPTIONS): string[] {
  try {
    validateScenario(merge(BASE, patch), 'test.yaml', options);
    return [];
  } catch (error) {
    if (!isScenarioError(error)) throw error;
    return error.issues.map(formatIssue);
  }
}

const DISTS =
  'exponential | deterministic | uniform | normal | lognormal | gamma | erlang | pareto | bounded-pareto | hyperexponential | empirical';
const SERVICE_FORMS =
  'must be a distribution { dist: exponential, mean: 1 } or a size model { model: tokens, … }';

describe('the base scenario', () => {
  it('is valid', () => {
    expect(problems({})).toEqual([]);
  });
});

describe('field errors name the path and the value', () => {
  it.each<[string, unknown, string[]]>([
    [
      'capacity below 1 (the issue’s example)',
      { agents: [{ capacity: 0 }] },
      ['agents[0].capacity: must be ≥ 1, got 0'],
    ],
    ['a fractional count', { agents: [{ count: 1.5 }] }, ['agents[0].count: must be an integer, got 1.5']],
    [
      'a string for a number',
      { agents: [{ count: '3' }] },
      ['agents[0].count: must be a finite number, got "3"'],
    ],
    [
      'a missing required field',
      { agents: [{ service: REMOVE }] },
      ['agents[0].service: must be set, got undefined'],
    ],
    ['an empty list', { agents: new Replace([]) }, ['agents: must have at least 1 entry, got []']],
    ['a negative seed', { seed: -1 }, ['seed: must be ≥ 0, got -1']],
    [
      'a negative rate',
      { workload: [{ arrivals: { rate: -1 } }] },
      ['workload[0].arrivals.rate: must be > 0, got -1'],
    ],
    ['a list where a mapping goes', { queue: [1] }, ['queue: must be a mapping { key: value }, got [1]']],
    [
      'queueLimit below 0',
      { agents: [{ queueLimit: -1 }] },
      ['agents[0].queueLimit: must be an integer ≥ 0 or "unbounded", got -1'],
    ],
    [
      'queueLimit as another word',
      { agents: [{ queueLimit: 'infinite' }] },
      ['agents[0].queueLimit: must be an integer ≥ 0 or "unbounded", got "infinite"'],
    ],
    [
      'an unknown distribution',
      { agents: [{ service: { dist: 'expo' } }] },
      [`agents[0].service.dist: must be one of ${DISTS}, got "expo"`],
    ],
    [
      'a bad distribution parameter',
      { agents: [{ service: { mean: -1 } }] },
      ['agents[0].service.mean: must be > 0, got -1'],
    ],
    [
      'a service that is neither form',
      { agents: [{ service: new Replace({ mean: 1 }) }] },
      [`agents[0].service: ${SERVICE_FORMS}, got {"mean":1}`],
    ],
    [
      'a service that is not a mapping',
      { agents: [{ service: 3 }] },
      [`agents[0].service: ${SERVICE_FORMS}, got 3`],
    ],
    [
      'a misspelt size model',
      { agents: [undefined, { service: { model: 'token' } }] },
      ['agents[1].service.model: must be "tokens", got "token"'],
    ],
    [
      'a size model missing a field',
      { agents: [undefined, { service: { perOutputToken: REMOVE } }] },
      ['agents[1].service.perOutputToken: must be set, got undefined'],
    ],
    [
      'an unknown strategy',
      { strategy: 'powerof2' },
      [
        `strategy: must be one of ${STRATEGY_NAMES.join(' | ')}, or { name: <strategy>, …options }, got "powerof2"`,
      ],
    ],
    [
      'an unknown strategy by object',
      { strategy: { name: 'fastest' } },
      [
        `strategy.name: must be one of consistent-hash | latency-ewma | ${STRATEGY_NAMES.filter((n) => n !== 'consistent-hash' && n !== 'latency-ewma').join(' | ')}, got "fastest"`,
      ],
    ],
    [
      'a bad strategy option',
      { strategy: { name: 'consistent-hash', virtualNodes: 0 } },
      ['strategy.virtualNodes: must be ≥ 1, got 0'],
    ],
    [
      'an unknown priority',
      { workload: [{ priority: 'urgent' }] },
      [
        'workload[0].priority: must be one of critical | high | medium | low, or a mix by weight { critical: 0.1, low: 0.9 }, got "urgent"',
      ],
    ],
    [
      'an unknown priority in a mix',
      { workload: [{ priority: { urgent: 1 } }] },
      ['workload[0].priority.urgent: is not a known field (known: critical, high, medium, low), got 1'],
    ],
    [
      'an empty stop',
      { stop: new Replace({}) },
      ['stop: must be { tasks: <count> } or { time: <seconds> }, got {}'],
    ],
    [
      'a stop of both kinds',
      { stop: { time: 5 } },
      ['stop: must be { tasks: <count> } or { time: <seconds> }, got {"tasks":1000,"time":5}'],
    ],
    ['a negative stop time', { stop: new Replace({ time: -5 }) }, ['stop.time: must be > 0, got -5']],
    [
      'an unknown arrival process',
      { workload: [{ arrivals: new Replace({ process: 'uniform', rate: 1 }) }] },
      [
        'workload[0].arrivals.process: must be one of poisson | bursty | diurnal | closed | trace, got "uniform"',
      ],
    ],
    [
      'an unknown fault kind',
      { faults: [{ kind: 'meteor' }] },
      ['faults[0].kind: must be one of crash | errors | slowdown | rate-limit-429 | network, got "meteor"'],
    ],
    [
      'a certain message loss',
      { faults: [{ kind: 'network', lossRate: 1 }] },
      ['faults[0].lossRate: must be < 1, got 1'],
    ],
    ['too many attempts', { retries: { maxAttempts: 101 } }, ['retries.maxAttempts: must be ≤ 100, got 101']],
    [
      'an unknown breaker window',
      { breakers: { window: { kind: 'sliding' } } },
      ['breakers.window.kind: must be one of consecutive | count | time, got "sliding"'],
    ],
    ['an empty type name', { agents: [{ type: '' }] }, ['agents[0].type: must not be empty, got ""']],
  ])('%s', (_name, patch, expected) => {
    expect(problems(patch)).toEqual(expected);
  });
});

describe('unknown keys are rejected with their path', () => {
  it.each<[string, unknown, string[]]>([
    ['at the root', { sed: 3 }, ['sed: is not a known field (did you mean seed?), got 3']],
    [
      'in an agent type',
      { agents: [{ capasity: 2 }] },
      ['agents[0].capasity: is not a known field (did you mean capacity?), got 2'],
    ],
    [
      'a millisecond name where seconds are meant',
      { strategy: { name: 'latency-ewma', decayMs: 100 } },
      [
        'strategy.decayMs: is not a known field (did you mean decaySec? scenario times are in seconds), got 100',
      ],
    ],
    [
      'in a distribution',
      { agents: [{ service: { sd: 2 } }] },
      ['agents[0].service.sd: is not a known field (known: dist, mean), got 2'],
    ],
    [
      'in a size model',
      { agents: [undefined, { service: { extra: true } }] },
      [
        'agents[1].service.extra: is not a known field (known: model, base, perOutputToken, perInputToken), got true',
      ],
    ],
    [
      'several at once, each on its line',
      { queue: { depth: 5, overflowPolicy: 'x' } },
      [
        'queue.depth: is not a known field (known: maxDepth, overflow, agingSec, fairShare, highWatermark, lowWatermark, shedPriorities), got 5',
        'queue.overflowPolicy: is not a known field (did you mean overflow?), got "x"',
      ],
    ],
    [
      'with an odd name',
      { 'time out': 3 },
      [expect.stringMatching(/^\["time out"\]: is not a known field/) as unknown as string],
    ],
  ])('%s', (_name, patch, expected) => {
    expect(problems(patch)).toEqual(expected);
  });
});

describe('cross-field checks', () => {
  it.each<[string, unknown, string[]]>([
    [
      'a workload type that names no agent type',
      { workload: [{ type: 'writer' }] },
      ['workload[0].type: must name an agent type (worker | llm), got "writer"'],
    ],
    [
      'a workload without type among several agent types',
      { workload: [{ type: REMOVE }] },
      ['workload[0].type: must name the agent type (worker | llm) when there are several, got undefined'],
    ],
    [
      'duplicate agent types',
      { agents: [undefined, { type: 'worker' }] },
      expect.arrayContaining(['agents[1].type: must be unique, got "worker"']) as unknown as string[],
    ],
    [
      'a warm-up of another kind than the stop',
      { warmup: { time: 10 } },
      ['warmup: must be of the same kind as stop ({ tasks: … }), got {"time":10}'],
    ],
    [
      'a warm-up as long as the run',
      { warmup: { tasks: 1000 } },
      ['warmup.tasks: must be < stop.tasks (1000), got 1000'],
    ],
    [
      'a warm-up longer than the run (time)',
      { stop: new Replace({ time: 60 }), warmup: { time: 90 } },
      ['warmup.time: must be < stop.time (60), got 90'],
    ],
    [
      'a crash of an agent that does not exist',
      { faults: [{ kind: 'crash', agent: 'worker-10', atSec: 1 }] },
      ['faults[0].agent: must name an agent (worker-0 … worker-9, llm-0 … llm-1), got "worker-10"'],
    ],
    [
      'a fault on an unknown type',
      { faults: [{ kind: 'errors', type: 'gpu', rate: 0.1 }] },
      ['faults[0].type: must name an agent type (worker | llm), got "gpu"'],
    ],
    [
      'a fault on an agent of another type',
      { faults: [{ kind: 'slowdown', type: 'worker', agents: ['llm-0'], fromSec: 1, toSec: 2, factor: 2 }] },
      ['faults[0].agents[0]: must name an agent (worker-0 … worker-9), got "llm-0"'],
    ],
    [
      'a fault on more agents than the type has',
      { faults: [{ kind: 'slowdown', type: 'worker', agents: 11, fromSec: 1, toSec: 2, factor: 2 }] },
      ['faults[0].agents: must be ≤ 10 (agents of type worker), got 11'],
    ],
    [
      'a fault window that ends before it starts',
      { faults: [{ kind: 'slowdown', type: 'worker', fromSec: 10, toSec: 5, factor: 2 }] },
      ['faults[0].toSec: must be > fromSec (10), got 5'],
    ],
    [
      'a partition of an unknown agent',
      { faults: [{ kind: 'network', partition: { fromSec: 1, toSec: 2, agents: ['db-1'] } }] },
      ['faults[0].partition.agents[0]: must name an agent (worker-0 … worker-9, llm-0 … llm-1), got "db-1"'],
    ],
    [
      'two network faults',
      { faults: [{ kind: 'network' }, { kind: 'network' }] },
      ['faults[1].kind: must appear once (one network fault per scenario), got "network"'],
    ],
    [
      'a crash with both agent and type',
      { faults: [{ kind: 'crash', agent: 'worker-1', type: 'worker', atSec: 1 }] },
      [
        `faults[0]: must set either agent (one agent by id) or type (agents of a type), got ${describeValue({ kind: 'crash', agent: 'worker-1', type: 'worker', atSec: 1, restartDelaySec: 5 })}`,
      ],
    ],
    [
      'a crash without a time or a rate',
      { faults: [{ kind: 'crash', type: 'llm' }] },
      [
        `faults[0]: must set either atSec (one crash) or ratePerHour (crashes at random), got ${describeValue({ kind: 'crash', type: 'llm', restartDelaySec: 5 })}`,
      ],
    ],
    [
      'core’s distribution checks (uniform bounds)',
      { agents: [{ service: new Replace({ dist: 'uniform', min: 2, max: 1 }) }] },
      ['agents[0].service.max: must be ≥ min (2), got 1'],
    ],
    [
      'core’s distribution checks (branch probabilities)',
      {
        agents: [
          {
            service: new Replace({
              dist: 'hyperexponential',
              branches: [
                { probability: 0.5, mean: 1 },
                { probability: 0.4, mean: 2 },
              ],
            }),
          },
        ],
      },
      [
        'agents[0].service.branches: must have probabilities summing to 1 ± 1e-9 (they sum to 0.9), got [0.5,0.4]',
      ],
    ],
    [
      'a hyperexponential with mean but no cv',
      { agents: [{ service: new Replace({ dist: 'hyperexponential', mean: 1 }) }] },
      ['agents[0].service.cv: must be set, got undefined'],
    ],
    [
      'more speeds than agents',
      { agents: [undefined, { speed: [1, 1, 1] }] },
      ['agents[1].speed: must have at most 2 entries (count), got [1,1,1]'],
    ],
    [
      'a size-based service fed tasks without sizes',
      { workload: [undefined, { arrivals: new Replace({ process: 'poisson', rate: 1 }) }] },
      [
        'workload[1].tokens: must be set: agent type llm has a size-based service ({ model: tokens }) and this workload is not a trace, got undefined',
      ],
    ],
    [
      'trace affinity keys without a Mooncake trace',
      { workload: [undefined, { affinityKeys: 'trace' }] },
      ['workload[1].affinityKeys: must be "trace" only for a Mooncake (.jsonl) trace, got "trace"'],
    ],
    [
      'a required capability no agent of the type has',
      { workload: [{ capabilities: ['gpu'] }] },
      ['workload[0].capabilities[0]: must be a capability of agent type worker (none), got "gpu"'],
    ],
    [
      'a priority mix without weight',
      { workload: [{ priority: { low: 0 } }] },
      ['workload[0].priority: must have at least one weight > 0 (and a finite sum), got {"low":0}'],
    ],
    [
      'tenants without weight',
      { workload: [{ tenants: { a: 0 } }] },
      ['workload[0].tenants: must have at least one weight > 0 (and a finite sum), got {"a":0}'],
    ],
    [
      'a backoff cap below its base',
      { retries: { maxDelaySec: 0.01 } },
      ['retries.maxDelaySec: must be ≥ baseDelaySec (0.1), got 0.01'],
    ],
    [
      'aging together with fair share',
      { queue: { agingSec: 1, fairShare: {} } },
      ['queue.agingSec: must be unset when fairShare is set (choose one ordering), got 1'],
    ],
    [
      'a high watermark above the depth',
      { queue: { maxDepth: 10, highWatermark: 11 } },
      ['queue.highWatermark: must be ≤ maxDepth (10), got 11'],
    ],
    [
      'a low watermark at the high one',
      { queue: { maxDepth: 10, lowWatermark: 8 } },
      ['queue.lowWatermark: must be < highWatermark (8), got 8'],
    ],
    [
      'a breaker window that can never trip',
      { breakers: { window: { kind: 'count', size: 10, minimumCalls: 11 } } },
      ['breakers.window.minimumCalls: must be ≤ size (10), got 11'],
    ],
    [
      'a slow-call rate without a slow-call duration',
      { breakers: { window: { kind: 'time', windowSec: 10, slowCallRateThreshold: 0.5 } } },
      ['breakers.window.slowCallDurationSec: must be set when slowCallRateThreshold is set, got undefined'],
    ],
    [
      'an autoscaler for an unknown type',
      { autoscaling: { type: 'gpu', minAgents: 1, maxAgents: 2 } },
      ['autoscaling.type: must name an agent type (worker | llm), got "gpu"'],
    ],
    [
      'an autoscaler whose ceiling is below its floor',
      { autoscaling: [{ type: 'worker', minAgents: 5, maxAgents: 2 }] },
      ['autoscaling[0].maxAgents: must be ≥ minAgents (5), got 2'],
    ],
    [
      'an autoscaler whose ceiling is below the starting count',
      { autoscaling: { type: 'worker', minAgents: 1, maxAgents: 5 } },
      ['autoscaling.maxAgents: must be ≥ agents[0].count (10), got 5'],
    ],
    [
      'a rate limit without limits',
      { agents: [{ rateLimit: {} }] },
      ['agents[0].rateLimit: must set requests or cost (or both), got {}'],
    ],
    [
      'a request limit below one request',
      { agents: [{ rateLimit: { requests: { limit: 0.5, intervalSec: 1 } } }] },
      ['agents[0].rateLimit.requests.limit: must be ≥ 1 (one request), got 0.5'],
    ],
    [
      'a trace path of an unknown format',
      { workload: [undefined, { arrivals: { source: 'trace.txt' } }] },
      [
        'workload[1].arrivals.source: must be azure-code | azure-conv | mooncake or a path ending in .csv (Azure) or .jsonl (Mooncake), got "trace.txt"',
      ],
    ],
  ])('%s', (_name, patch, expected) => {
    expect(problems(patch)).toEqual(expected);
  });

  it('lets autoscaled agents be fault targets', () => {
    expect(
      problems({
        autoscaling: { type: 'worker', minAgents: 1, maxAgents: 20 },
        faults: [{ kind: 'crash', agent: 'worker-19', atSec: 1 }],
      }),
    ).toEqual([]);
  });

  it('checks that trace files exist', () => {
    expect(
      problems(
        { workload: [undefined, { arrivals: { source: 'missing.csv' } }] },
        { ...OPTIONS, baseDir: '/nowhere', checkFiles: true },
      ),
    ).toEqual([
      'workload[1].arrivals.source: must name an existing file (looked for /nowhere/missing.csv), got "missing.csv"',
    ]);
  });

  it('says where to point when there is no traces directory', () => {
    expect(problems({}, { baseDir: '/', env: {}, checkFiles: false })).toEqual([
      'workload[1].arrivals.source: must name a trace in the traces directory, but none was found (set FLOTILLA_TRACES), got "azure-conv"',
    ]);
  });
});

describe('ScenarioError', () => {
  it('lists every issue in one error, schema issues first', () => {
    let error: unknown;
    try {
      parseScenario(
        BASE_YAML.replace('count: 10', 'count: 0')
          .replace('rate: 5', 'rate: 0')
          .concat('retries: { jitter: some }\n'),
        'fleet.yaml',
        OPTIONS,
      );
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ScenarioError);
    expect(error).toBeInstanceOf(FlotillaError);
    expect(isFlotillaError(error) && error.code).toBe(INVALID_SCENARIO);
    expect((error as ScenarioError).origin).toBe('fleet.yaml');
    expect((error as Error).message).toBe(
      [
        'invalid scenario fleet.yaml (3 issues):',
        '  agents[0].count: must be ≥ 1, got 0',
        '  workload[0].arrivals.rate: must be > 0, got 0',
        '  retries.jitter: must be one of none | full | equal, got "some"',
      ].join('\n'),
    );
    expect((error as ScenarioError).issues[0]).toEqual({
      path: 'agents[0].count',
      message: 'must be ≥ 1',
      value: 0,
    });
    expect((error as ScenarioError).toJSON()).toEqual({
      name: 'ScenarioError',
      code: INVALID_SCENARIO,
      message: (error as Error).message,
    });
  });

  it('reports YAML syntax errors by line and column', () => {
    expect(() => parseScenario('seed: 1\nseed: 2\n')).toThrow('line 2, column 1: Map keys must be unique');
    expect(() => parseScenario('agents:\n  - a\n b: 1\n')).toThrow(
      'line 3, column 1: All mapping items must start at the same column',
    );
    expect(() => parseScenario('stop: *nowhere\n')).toThrow(/\(root\): is not valid YAML \(Unresolved alias/);
  });

  it('reports a file that is not a mapping', () => {
    expect(() => parseScenario('')).toThrow('(root): must be a mapping { key: value }, got null');
    expect(() => parseScenario('- 1\n')).toThrow('(root): must be a mapping { key: value }, got [1]');
  });

  it('formats paths like the author writes them', () => {
    expect(formatPath(['agents', 0, 'capacity'])).toBe('agents[0].capacity');
    expect(formatPath(['workload', 1, 'tenants', 'team a'])).toBe('workload[1].tenants["team a"]');
    expect(formatPath(['faults', 2, 'rate-limit-429'])).toBe('faults[2].rate-limit-429');
    expect(formatPath([])).toBe('');
    expect(formatIssue({ path: 'x', message: 'must be set' })).toBe('x: must be set');
  });
});
