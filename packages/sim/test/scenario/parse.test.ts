import {
  createBreakerWindow,
  createDistribution,
  createRetryPolicy,
  createStrategy,
  AgentTable,
  createRng,
  RateLimiter,
  type StrategySpec,
} from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import {
  agentId,
  agentSpeed,
  isScenarioError,
  parseScenario,
  scenarioSchema,
  validateScenario,
  withOverrides,
  type Scenario,
} from '../../src/scenario/index.js';

/** Every section of the file, most fields set: the example the docs grow from. */
const FULL = `
name: full example
description: every section
seed: 42
stop: { tasks: 1000000 }
warmup: { tasks: 100000 }
strategy: { name: consistent-hash, virtualNodes: 50, loadFactor: 1.25 }
agents:
  - type: worker
    count: 100
    capacity: 2
    queueLimit: unbounded
    service: { dist: lognormal, mean: 0.8, cv: 1.5 }
    speed: [1, 1, 0.5]
    capabilities: [gpu]
    weight: 3
    rateLimit: { requests: { limit: 500, intervalSec: 60 }, cost: { limit: 90000, intervalSec: 60, burst: 20000 } }
  - type: llm
    count: 8
    service: { model: tokens, base: 0.2, perOutputToken: 0.02, perInputToken: 0.001 }
    prefixCache: { blocks: 4000 }
    speed: 2
workload:
  - arrivals: { process: poisson, rate: 90 }
    type: worker
    priority: { critical: 1, low: 3 }
    tenants: { a: 1, b: 3 }
    affinityKeys: 1000
    capabilities: [gpu]
  - arrivals: { process: trace, source: mooncake, timeScale: 0.5, maxTasks: 5000 }
    type: llm
    affinityKeys: trace
  - arrivals: { process: bursty, rateOn: 50, rateOff: 2, meanOnSec: 5, meanOffSec: 30 }
    type: llm
    tokens: { input: { dist: uniform, min: 100, max: 900 }, output: { dist: exponential, mean: 200 } }
  - arrivals: { process: diurnal, meanRate: 10, amplitude: 0.5, periodSec: 86400, phaseSec: 3600 }
    type: worker
    priority: high
    cost: 2
  - arrivals: { process: closed, clients: 16, thinkTime: { dist: hyperexponential, branches: [{ probability: 0.75, mean: 1 }, { probability: 0.25, mean: 4 }] } }
    type: worker
queue: { maxDepth: 100000, overflow: shed-oldest-lowest, agingSec: 2, highWatermark: 90000, lowWatermark: 50000, shedPriorities: [low, medium] }
retries: { maxAttempts: 3, baseDelaySec: 0.05, maxDelaySec: 2, multiplier: 3, jitter: equal, nonRetryableCodes: [BAD_INPUT] }
timeouts: { ttlSec: 30, timeoutSec: 120 }
breakers:
  window: { kind: count, size: 20, minimumCalls: 10, failureRateThreshold: 0.5, slowCallRateThreshold: 0.8, slowCallDurationSec: 2 }
  openDurationSec: 7
  halfOpenProbes: 2
  maxEjectionPercent: 30
faults:
  - { kind: crash, agent: worker-3, atSec: 100, restartDelaySec: 5 }
  - { kind: crash, type: llm, agents: 2, ratePerHour: 0.5, restartDelaySec: never }
  - { kind: errors, type: worker, rate: 0.01 }
  - { kind: slowdown, type: worker, agents: [worker-0, worker-7], fromSec: 600, toSec: 900, factor: 3 }
  - { kind: rate-limit-429, type: llm, fromSec: 60, toSec: 120, rate: 0.2 }
  - kind: network
    delay: { dist: exponential, mean: 0.002 }
    jitterSec: 0.001
    lossRate: 0.001
    partition: [{ fromSec: 10, toSec: 20, agents: [worker-1, llm-2] }, { fromSec: 30, toSec: 31 }]
autoscaling: { type: worker, minAgents: 10, maxAgents: 200, targetUtilization: 0.6, scaleUpQueuePerAgent: 4, hysteresis: 0.2, cooldownSec: 20, evaluateEverySec: 2, step: 5 }
metrics: { perTask: true }
`;

const all = { kind: 'all' } as const;

const EXPECTED: Scenario = {
  origin: 'full.yaml',
  name: 'full example',
  description: 'every section',
  seed: 42,
  stop: { kind: 'tasks', tasks: 1_000_000 },
  warmup: { kind: 'tasks', tasks: 100_000 },
  strategy: { name: 'consistent-hash', virtualNodes: 50, loadFactor: 1.25 },
  agents: [
    {
      type: 'worker',
      count: 100,
      capacity: 2,
      queueLimit: Number.POSITIVE_INFINITY,
      service: { kind: 'distribution', spec: { dist: 'lognormal', mean: 800, cv: 1.5 } },
      speed: { base: 1, perAgent: [1, 1, 0.5] },
      capabilities: ['gpu'],
      weight: 3,
      rateLimit: {
        requests: { limit: 500, intervalMs: 60_000 },
        cost: { limit: 90_000, intervalMs: 60_000, burst: 20_000 },
      },
      prefixCacheBlocks: undefined,
    },
    {
      type: 'llm',
      count: 8,
      capacity: 1,
      queueLimit: 0,
      service: { kind: 'tokens', baseMs: 200, perOutputTokenMs: 20, perInputTokenMs: 1 },
      speed: { base: 2, perAgent: [] },
      capabilities: [],
      weight: 1,
      rateLimit: undefined,
      prefixCacheBlocks: 4000,
    },
  ],
  workload: [
    {
      type: 'worker',
      arrivals: { process: 'poisson', ratePerSec: 90 },
      priority: { critical: 0.25, high: 0, medium: 0, low: 0.75 },
      tenants: { a: 0.25, b: 0.75 },
      affinityKeys: 1000,
      capabilities: ['gpu'],
      tokens: undefined,
      cost: 1,
    },
    {
      type: 'llm',
      arrivals: {
        process: 'trace',
        source: 'mooncake',
        path: '/traces/mooncake_conversation_trace.jsonl',
        format: 'mooncake-jsonl',
        timeScale: 0.5,
        maxTasks: 5000,
      },
      priority: { critical: 0, high: 0, medium: 1, low: 0 },
      tenants: undefined,
      affinityKeys: 'trace',
      capabilities: [],
      tokens: undefined,
      cost: 'tokens',
    },
    {
      type: 'llm',
      arrivals: { process: 'bursty', rateOnPerSec: 50, rateOffPerSec: 2, meanOnMs: 5000, meanOffMs: 30_000 },
      priority: { critical: 0, high: 0, medium: 1, low: 0 },
      tenants: undefined,
      affinityKeys: undefined,
      capabilities: [],
      // Token counts are not times: not scaled.
      tokens: { input: { dist: 'uniform', min: 100, max: 900 }, output: { dist: 'exponential', mean: 200 } },
      cost: 'tokens',
    },
    {
      type: 'worker',
      arrivals: {
        process: 'diurnal',
        meanRatePerSec: 10,
        amplitude: 0.5,
        periodMs: 86_400_000,
        phaseMs: 3_600_000,
      },
      priority: { critical: 0, high: 1, medium: 0, low: 0 },
      tenants: undefined,
      affinityKeys: undefined,
      capabilities: [],
      tokens: undefined,
      cost: 2,
    },
    {
      type: 'worker',
      arrivals: {
        process: 'closed',
        clients: 16,
        thinkTime: {
          dist: 'hyperexponential',
          branches: [
            { probability: 0.75, mean: 1000 },
            { probability: 0.25, mean: 4000 },
          ],
        },
      },
      priority: { critical: 0, high: 0, medium: 1, low: 0 },
      tenants: undefined,
      affinityKeys: undefined,
      capabilities: [],
      tokens: undefined,
      cost: 1,
    },
  ],
  queue: {
    maxDepth: 100_000,
    overflow: 'shed-oldest-lowest',
    agingMs: 2000,
    fairShare: undefined,
    highWatermark: 90_000,
    lowWatermark: 50_000,
    shedPriorities: ['low', 'medium'],
  },
  retries: {
    maxAttempts: 3,
    baseDelayMs: 50,
    maxDelayMs: 2000,
    multiplier: 3,
    jitter: 'equal',
    nonRetryableCodes: ['BAD_INPUT'],
  },
  timeouts: { ttlMs: 30_000, timeoutMs: 120_000 },
  breakers: {
    window: {
      kind: 'count',
      size: 20,
      minimumCalls: 10,
      failureRateThreshold: 0.5,
      slowCallRateThreshold: 0.8,
      slowCallDurationMs: 2000,
    },
    openDurationMs: 7000,
    halfOpenProbes: 2,
    maxEjectionPercent: 30,
  },
  faults: [
    {
      kind: 'crash',
      target: {
        type: 'worker',
        agents: { kind: 'list', agents: [{ id: 'worker-3', type: 'worker', index: 3 }] },
      },
      when: { kind: 'at', atMs: 100_000 },
      restartDelayMs: 5000,
    },
    {
      kind: 'crash',
      target: { type: 'llm', agents: { kind: 'first', count: 2 } },
      when: { kind: 'rate', meanIntervalMs: 7_200_000 },
      restartDelayMs: Number.POSITIVE_INFINITY,
    },
    {
      kind: 'errors',
      target: { type: 'worker', agents: all },
      probability: 0.01,
      code: 'TRANSIENT',
      fromMs: 0,
      toMs: Number.POSITIVE_INFINITY,
    },
    {
      kind: 'slowdown',
      target: {
        type: 'worker',
        agents: {
          kind: 'list',
          agents: [
            { id: 'worker-0', type: 'worker', index: 0 },
            { id: 'worker-7', type: 'worker', index: 7 },
          ],
        },
      },
      factor: 3,
      fromMs: 600_000,
      toMs: 900_000,
    },
    {
      kind: 'rate-limit-429',
      target: { type: 'llm', agents: all },
      probability: 0.2,
      code: 'RATE_LIMITED',
      fromMs: 60_000,
      toMs: 120_000,
    },
    {
      kind: 'network',
      delay: { dist: 'exponential', mean: 2 },
      jitterMs: 1,
      lossRate: 0.001,
      partitions: [
        {
          fromMs: 10_000,
          toMs: 20_000,
          agents: {
            kind: 'list',
            agents: [
              { id: 'worker-1', type: 'worker', index: 1 },
              { id: 'llm-2', type: 'llm', index: 2 },
            ],
          },
        },
        { fromMs: 30_000, toMs: 31_000, agents: all },
      ],
    },
  ],
  autoscaling: [
    {
      type: 'worker',
      minAgents: 10,
      maxAgents: 200,
      targetUtilization: 0.6,
      scaleUpQueuePerAgent: 4,
      hysteresis: 0.2,
      cooldownMs: 20_000,
      evaluateEveryMs: 2000,
      step: 5,
    },
  ],
  metrics: { perTask: true },
};

const options = { tracesDir: '/traces', checkFiles: false };

describe('parseScenario: the full example', () => {
  it('resolves every field to milliseconds, probabilities and core specs', () => {
    expect(parseScenario(FULL, 'full.yaml', options)).toStrictEqual(EXPECTED);
  });

  it('is frozen all the way down', () => {
    const scenario = parseScenario(FULL, 'full.yaml', options);
    expect(Object.isFrozen(scenario)).toBe(true);
    expect(Object.isFrozen(scenario.agents[0]?.speed.perAgent)).toBe(true);
    expect(Object.isFrozen(scenario.faults[5])).toBe(true);
  });

  it('survives a round trip through YAML and structured clone (it can cross to a worker thread)', () => {
    const file = scenarioSchema.parse(YAML.parse(FULL));
    const again = scenarioSchema.parse(YAML.parse(YAML.stringify(file)));
    expect(again).toStrictEqual(file);
    const scenario = parseScenario(YAML.stringify(file), 'full.yaml', options);
    expect(scenario).toStrictEqual(EXPECTED);
    expect(structuredClone(scenario)).toStrictEqual(EXPECTED);
  });

  it('yields specs that core accepts as they are', () => {
    const scenario = parseScenario(FULL, 'full.yaml', options);
    const [worker] = scenario.agents;
    if (worker?.service.kind !== 'distribution') throw new Error('expected a distribution');
    expect(createDistribution(worker.service.spec).mean).toBe(800);
    expect(createBreakerWindow(scenario.breakers?.window ?? { kind: 'consecutive', threshold: 1 }).kind).toBe(
      'count',
    );
    expect(createRetryPolicy(scenario.retries).maxDelayMs).toBe(2000);
    expect(() => new RateLimiter(worker.rateLimit ?? {})).not.toThrow();
    const strategy = createStrategy(scenario.strategy, new AgentTable(), createRng(1));
    expect(strategy.name).toBe('consistent-hash');
  });

  it('names agents <type>-<index> and gives each its speed', () => {
    const scenario = parseScenario(FULL, 'full.yaml', options);
    const [worker, llm] = scenario.agents;
    expect(agentId('worker', 3)).toBe('worker-3');
    expect(worker && [0, 1, 2, 3, 99].map((i) => agentSpeed(worker, i))).toEqual([1, 1, 0.5, 1, 1]);
    expect(llm && agentSpeed(llm, 7)).toBe(2);
  });
});

const MINIMAL = `
stop: { time: 60 }
agents: [{ type: worker, service: { dist: exponential, mean: 1 } }]
workload: [{ arrivals: { process: poisson, rate: 0.5 } }]
`;

describe('defaults', () => {
  const scenario = parseScenario(MINIMAL);

  it.each<[string, (s: Scenario) => unknown, unknown]>([
    ['origin <inline>', (s) => s.origin, '<inline>'],
    ['no name', (s) => s.name, undefined],
    ['seed 1', (s) => s.seed, 1],
    ['warmup none', (s) => s.warmup, undefined],
    ['strategy least-connections', (s) => s.strategy, 'least-connections'],
    ['agent count 1', (s) => s.agents[0]?.count, 1],
    ['agent capacity 1', (s) => s.agents[0]?.capacity, 1],
    ['agent queueLimit 0 (pull)', (s) => s.agents[0]?.queueLimit, 0],
    ['agent speed 1', (s) => s.agents[0]?.speed, { base: 1, perAgent: [] }],
    ['agent capabilities none', (s) => s.agents[0]?.capabilities, []],
    ['agent weight = capacity', (s) => s.agents[0]?.weight, 1],
    ['agent rate limit none', (s) => s.agents[0]?.rateLimit, undefined],
    ['workload type = the only agent type', (s) => s.workload[0]?.type, 'worker'],
    ['priority medium', (s) => s.workload[0]?.priority, { critical: 0, high: 0, medium: 1, low: 0 }],
    ['tenants none', (s) => s.workload[0]?.tenants, undefined],
    ['affinity keys none', (s) => s.workload[0]?.affinityKeys, undefined],
    ['task capabilities none', (s) => s.workload[0]?.capabilities, []],
    ['tokens none', (s) => s.workload[0]?.tokens, undefined],
    ['cost 1 without sizes', (s) => s.workload[0]?.cost, 1],
    ['queue maxDepth 1,000,000', (s) => s.queue.maxDepth, 1_000_000],
    ['queue overflow reject-new', (s) => s.queue.overflow, 'reject-new'],
    ['queue aging off', (s) => s.queue.agingMs, undefined],
    ['queue fair share off', (s) => s.queue.fairShare, undefined],
    ['queue highWatermark 80%', (s) => s.queue.highWatermark, 800_000],
    ['queue lowWatermark 75% of high', (s) => s.queue.lowWatermark, 600_000],
    ['queue sheds low', (s) => s.queue.shedPriorities, ['low']],
    [
      'retries: 1 attempt, 100 ms base, 10 s cap, ×2, full jitter',
      (s) => s.retries,
      {
        maxAttempts: 1,
        baseDelayMs: 100,
        maxDelayMs: 10_000,
        multiplier: 2,
        jitter: 'full',
        nonRetryableCodes: [],
      },
    ],
    ['timeouts none', (s) => s.timeouts, { ttlMs: undefined, timeoutMs: undefined }],
    ['breakers off', (s) => s.breakers, undefined],
    ['faults none', (s) => s.faults, []],
    ['autoscaling off', (s) => s.autoscaling, []],
    ['metrics perTask false', (s) => s.metrics, { perTask: false }],
  ])('%s', (_name, read, expected) => {
    expect(read(scenario)).toStrictEqual(expected);
  });

  it('fills the defaults inside optional sections', () => {
    const s = parseScenario(
      `
stop: { tasks: 10 }
agents:
  - { type: worker, service: { model: tokens, base: 1, perOutputToken: 0.01 } }
workload:
  - arrivals: { process: diurnal, meanRate: 1, amplitude: 0.2, periodSec: 60 }
    tokens: { output: { dist: deterministic, value: 10 } }
  - arrivals: { process: trace, source: trace.csv }
breakers: { window: { kind: count, size: 50 } }
faults:
  - { kind: crash, type: worker, atSec: 1 }
  - { kind: network }
autoscaling: [{ type: worker, minAgents: 1, maxAgents: 4 }]
`,
      'inline',
      { checkFiles: false, baseDir: '/scenarios' },
    );
    expect(s.agents[0]?.service).toEqual({
      kind: 'tokens',
      baseMs: 1000,
      perOutputTokenMs: 10,
      perInputTokenMs: 0,
    });
    expect(s.workload[0]?.arrivals).toMatchObject({ phaseMs: 0 });
    expect(s.workload[0]?.tokens).toEqual({ input: undefined, output: { dist: 'deterministic', value: 10 } });
    expect(s.workload[0]?.cost).toBe('tokens');
    expect(s.workload[1]?.arrivals).toEqual({
      process: 'trace',
      source: 'trace.csv',
      path: '/scenarios/trace.csv',
      format: 'azure-csv',
      timeScale: 1,
      maxTasks: undefined,
    });
    expect(s.breakers).toEqual({
      window: { kind: 'count', size: 50, minimumCalls: 50, failureRateThreshold: 0.5 },
      openDurationMs: 5000,
      halfOpenProbes: 1,
      maxEjectionPercent: 50,
    });
    expect(s.faults).toEqual([
      {
        kind: 'crash',
        target: { type: 'worker', agents: all },
        when: { kind: 'at', atMs: 1000 },
        restartDelayMs: 5000,
      },
      { kind: 'network', delay: undefined, jitterMs: 0, lossRate: 0, partitions: [] },
    ]);
    expect(s.autoscaling).toEqual([
      {
        type: 'worker',
        minAgents: 1,
        maxAgents: 4,
        targetUtilization: 0.7,
        scaleUpQueuePerAgent: Number.POSITIVE_INFINITY,
        hysteresis: 0.1,
        cooldownMs: 30_000,
        evaluateEveryMs: 5000,
        step: 1,
      },
    ]);
  });

  it('defaults the other breaker windows', () => {
    const window = (yaml: string) =>
      parseScenario(`${MINIMAL}breakers: { window: ${yaml} }\n`).breakers?.window;
    expect(window('{ kind: consecutive }')).toEqual({ kind: 'consecutive', threshold: 5 });
    expect(window('{ kind: time, windowSec: 10 }')).toEqual({
      kind: 'time',
      windowMs: 10_000,
      bucketCount: 10,
      minimumCalls: 10,
      failureRateThreshold: 0.5,
    });
  });

  it('accepts a strategy object without options as its name', () => {
    expect(parseScenario(`${MINIMAL}strategy: { name: random }\n`).strategy).toBe('random');
    expect(parseScenario(`${MINIMAL}strategy: { name: latency-ewma, decaySec: 2 }\n`).strategy).toEqual({
      name: 'latency-ewma',
      decayMs: 2000,
    });
  });

  it('takes plain objects too (validateScenario)', () => {
    const scenario = validateScenario(YAML.parse(MINIMAL));
    expect(scenario).toStrictEqual(parseScenario(MINIMAL));
  });
});

describe('withOverrides', () => {
  const scenario = parseScenario(`${MINIMAL}strategy: { name: consistent-hash, virtualNodes: 10 }\n`);

  it('replaces the seed and the strategy, leaving the rest', () => {
    const run = withOverrides(scenario, { seed: 7, strategy: 'power-of-two' });
    expect(run).toStrictEqual({ ...scenario, seed: 7, strategy: 'power-of-two' });
    expect(Object.isFrozen(run)).toBe(true);
    expect(scenario.seed).toBe(1);
  });

  it("keeps the file's options when --strategy names the file's own strategy", () => {
    expect(withOverrides(scenario, { strategy: 'consistent-hash' }).strategy).toEqual({
      name: 'consistent-hash',
      virtualNodes: 10,
    });
    const spec: StrategySpec = { name: 'latency-ewma', decayMs: 5 };
    expect(withOverrides(scenario, { strategy: spec }).strategy).toBe(spec);
    expect(withOverrides(scenario, {})).toStrictEqual(scenario);
  });

  it('names the flag and the value when an override is invalid', () => {
    let error: unknown;
    try {
      withOverrides(scenario, { seed: -1, strategy: 'fastest' as never });
    } catch (caught) {
      error = caught;
    }
    expect(isScenarioError(error)).toBe(true);
    expect((error as Error).message.split('\n').slice(1)).toEqual([
      '  --seed: must be an integer in [0, 2^53 − 1], got -1',
      `  --strategy: must be one of round-robin | weighted-round-robin | random | weighted-random | least-connections | power-of-two | join-idle-queue | consistent-hash | latency-ewma, got "fastest"`,
    ]);
  });
});
