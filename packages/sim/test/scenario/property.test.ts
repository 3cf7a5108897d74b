import { PRIORITIES, type DistributionSpec } from '@flotilla/core';
import { fc, test } from '@fast-check/vitest';
import { expect } from 'vitest';
import YAML from 'yaml';
import { parseScenario, type Scenario, type ScenarioFileInput } from '../../src/scenario/index.js';

/**
 * Any valid scenario, written as YAML, parses; and every time in it comes out ×1000 (seconds → ms).
 * The generators below only build valid files, so they double as a statement of what "valid" means.
 */

type AgentIn = ScenarioFileInput['agents'][number];
type WorkloadIn = ScenarioFileInput['workload'][number];
type FaultIn = NonNullable<ScenarioFileInput['faults']>[number];
type DistIn = Extract<AgentIn['service'], { dist: string }>;

const positive = fc.double({ min: 1e-3, max: 1e4, noNaN: true, noDefaultInfinity: true });
const nonNegative = fc.oneof(fc.constant(0), positive);
const fraction = fc.double({ min: 0, max: 1, noNaN: true });
const probability = fc.double({ min: 0.01, max: 0.99, noNaN: true });

const distribution: fc.Arbitrary<DistIn> = fc.oneof(
  positive.map((mean) => ({ dist: 'exponential' as const, mean })),
  nonNegative.map((value) => ({ dist: 'deterministic' as const, value })),
  fc
    .tuple(nonNegative, nonNegative)
    .map(([a, b]) => ({ dist: 'uniform' as const, min: Math.min(a, b), max: Math.max(a, b) })),
  fc.record({ dist: fc.constant('normal' as const), mean: nonNegative, stddev: nonNegative }),
  fc.record({
    dist: fc.constant('lognormal' as const),
    mean: positive,
    cv: fc.double({ min: 0, max: 10, noNaN: true }),
  }),
  fc.record({ dist: fc.constant('gamma' as const), shape: positive, scale: positive }),
  fc.record({ dist: fc.constant('erlang' as const), k: fc.integer({ min: 1, max: 20 }), mean: positive }),
  fc.record({ dist: fc.constant('pareto' as const), alpha: positive, scale: positive }),
  fc
    .tuple(positive, positive, fc.double({ min: 0.01, max: 10, noNaN: true }))
    .map(([alpha, min, spread]) => ({
      dist: 'bounded-pareto' as const,
      alpha,
      min,
      max: min * (1 + spread),
    })),
  fc.record({
    dist: fc.constant('hyperexponential' as const),
    mean: positive,
    cv: fc.double({ min: 1, max: 20, noNaN: true }),
  }),
  fc.tuple(probability, positive, positive).map(([p, m1, m2]) => ({
    dist: 'hyperexponential' as const,
    branches: [
      { probability: p, mean: m1 },
      { probability: 1 - p, mean: m2 },
    ],
  })),
  fc
    .array(nonNegative, { minLength: 1, maxLength: 4 })
    .map((samples) => ({ dist: 'empirical' as const, samples })),
);

const capabilities = fc.subarray(['gpu', 'fast']);

function agent(type: string): fc.Arbitrary<AgentIn> {
  return fc.integer({ min: 1, max: 20 }).chain((count) =>
    fc.record(
      {
        type: fc.constant(type),
        count: fc.constant(count),
        capacity: fc.integer({ min: 1, max: 4 }),
        queueLimit: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constant('unbounded' as const)),
        service: fc.oneof(
          distribution,
          fc.record(
            {
              model: fc.constant('tokens' as const),
              base: nonNegative,
              perOutputToken: nonNegative,
              perInputToken: nonNegative,
            },
            { requiredKeys: ['model', 'base', 'perOutputToken'] },
          ),
        ),
        speed: fc.oneof(positive, fc.array(positive, { minLength: 1, maxLength: count })),
        capabilities,
        weight: positive,
      },
      { requiredKeys: ['type', 'count', 'service'] },
    ),
  );
}

const arrivals = fc.oneof(
  positive.map((rate) => ({ process: 'poisson' as const, rate })),
  fc.record({
    process: fc.constant('bursty' as const),
    rateOn: positive,
    rateOff: nonNegative,
    meanOnSec: positive,
    meanOffSec: positive,
  }),
  fc.record(
    {
      process: fc.constant('diurnal' as const),
      meanRate: positive,
      amplitude: fraction,
      periodSec: positive,
      phaseSec: positive,
    },
    { requiredKeys: ['process', 'meanRate', 'amplitude', 'periodSec'] },
  ),
  fc.record({
    process: fc.constant('closed' as const),
    clients: fc.integer({ min: 1, max: 100 }),
    thinkTime: distribution,
  }),
);

const priority = fc.oneof(
  fc.constantFrom(...PRIORITIES),
  fc
    .tuple(fc.constantFrom(...PRIORITIES), positive, fc.subarray([...PRIORITIES]), nonNegative)
    .map(([first, weight, others, otherWeight]) => ({
      ...Object.fromEntries(others.map((p) => [p, otherWeight])),
      [first]: weight,
    })),
);

function workloadEntry(agents: readonly AgentIn[]): fc.Arbitrary<WorkloadIn> {
  return fc.constantFrom(...agents).chain((target) => {
    const sized = 'model' in target.service;
    return fc.record(
      {
        arrivals,
        type: fc.constant(target.type),
        priority,
        tenants: fc.dictionary(fc.stringMatching(/^[a-z]{1,4}$/), positive, { minKeys: 1, maxKeys: 3 }),
        affinityKeys: fc.integer({ min: 1, max: 1000 }),
        capabilities: fc.subarray([...(target.capabilities ?? [])]),
        tokens: fc.record({ input: distribution, output: distribution }, { requiredKeys: ['output'] }),
        cost: positive,
      },
      { requiredKeys: sized ? ['arrivals', 'type', 'tokens'] : ['arrivals', 'type'] },
    );
  });
}

function fault(agents: readonly AgentIn[]): fc.Arbitrary<FaultIn> {
  const target = fc
    .constantFrom(...agents)
    .chain((a) =>
      fc.record(
        { type: fc.constant(a.type), agents: fc.integer({ min: 1, max: a.count ?? 1 }) },
        { requiredKeys: ['type'] },
      ),
    );
  const window = fc
    .tuple(nonNegative, positive)
    .map(([fromSec, length]) => ({ fromSec, toSec: fromSec + length }));
  return fc.oneof(
    fc
      .tuple(target, nonNegative, fc.oneof(nonNegative, fc.constant('never' as const)))
      .map(([t, atSec, restartDelaySec]) => ({
        kind: 'crash' as const,
        ...t,
        atSec,
        restartDelaySec,
      })),
    fc.tuple(target, positive).map(([t, ratePerHour]) => ({ kind: 'crash' as const, ...t, ratePerHour })),
    fc.tuple(target, fraction, window).map(([t, rate, w]) => ({ kind: 'errors' as const, ...t, rate, ...w })),
    fc
      .tuple(target, window, positive)
      .map(([t, w, factor]) => ({ kind: 'slowdown' as const, ...t, ...w, factor })),
    fc
      .tuple(target, fraction, window)
      .map(([t, rate, w]) => ({ kind: 'rate-limit-429' as const, ...t, rate, ...w })),
  );
}

const network = fc.record(
  {
    kind: fc.constant('network' as const),
    delay: distribution,
    jitterSec: nonNegative,
    lossRate: fc.double({ min: 0, max: 0.5, noNaN: true }),
    partition: fc
      .tuple(nonNegative, positive)
      .map(([fromSec, length]) => ({ fromSec, toSec: fromSec + length })),
  },
  { requiredKeys: ['kind'] },
);

const runLimits = fc.oneof(
  fc.integer({ min: 2, max: 10_000_000 }).chain((tasks) =>
    fc.record(
      {
        stop: fc.constant({ tasks }),
        warmup: fc.integer({ min: 1, max: tasks - 1 }).map((w) => ({ tasks: w })),
      },
      { requiredKeys: ['stop'] },
    ),
  ),
  positive.chain((time) =>
    fc.record(
      {
        stop: fc.constant({ time }),
        warmup: probability.map((f) => ({ time: time * f })),
      },
      { requiredKeys: ['stop'] },
    ),
  ),
);

const breakers = fc.record(
  {
    window: fc.oneof(
      fc.record({ kind: fc.constant('consecutive' as const), threshold: fc.integer({ min: 1, max: 10 }) }),
      fc.integer({ min: 1, max: 100 }).chain((size) =>
        fc.record({
          kind: fc.constant('count' as const),
          size: fc.constant(size),
          minimumCalls: fc.integer({ min: 1, max: size }),
        }),
      ),
      fc.record({
        kind: fc.constant('time' as const),
        windowSec: positive,
        bucketCount: fc.integer({ min: 1, max: 20 }),
      }),
    ),
    openDurationSec: positive,
  },
  { requiredKeys: ['window'] },
);

const scenarioFile: fc.Arbitrary<ScenarioFileInput> = fc
  .uniqueArray(fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/), { minLength: 1, maxLength: 3 })
  .chain((types) => fc.tuple(...types.map(agent)))
  .chain((agents) =>
    fc.record(
      {
        seed: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        limits: runLimits,
        agents: fc.constant(agents),
        workload: fc.array(workloadEntry(agents), { minLength: 1, maxLength: 3 }),
        queue: fc.record(
          { maxDepth: fc.integer({ min: 10, max: 1_000_000 }), agingSec: positive },
          { requiredKeys: [] },
        ),
        retries: fc
          .tuple(fc.integer({ min: 1, max: 5 }), nonNegative, nonNegative)
          .map(([maxAttempts, baseDelaySec, extra]) => ({
            maxAttempts,
            baseDelaySec,
            maxDelaySec: baseDelaySec + extra,
          })),
        timeouts: fc.record({ ttlSec: positive, timeoutSec: positive }, { requiredKeys: [] }),
        breakers,
        faults: fc
          .tuple(fc.array(fault(agents), { maxLength: 4 }), fc.option(network, { nil: undefined }))
          .map(([faults, net]) => (net === undefined ? faults : [...faults, net])),
        autoscaling: fc
          .tuple(fc.nat(), fc.nat({ max: 10 }), positive, positive)
          .map(([down, up, cooldownSec, evaluateEverySec]) => {
            const count = agents[0]?.count ?? 1;
            return {
              type: agents[0]?.type ?? '',
              minAgents: down % (count + 1),
              maxAgents: count + up,
              cooldownSec,
              evaluateEverySec,
            };
          }),
      },
      { requiredKeys: ['seed', 'limits', 'agents', 'workload'] },
    ),
  )
  .map(({ limits, ...rest }) => ({ ...limits, ...rest }));

const TIME_PARAMETERS: Readonly<Record<string, readonly string[]>> = {
  exponential: ['mean'],
  deterministic: ['value'],
  uniform: ['min', 'max'],
  normal: ['mean', 'stddev'],
  lognormal: ['mean'],
  gamma: ['scale'],
  erlang: ['mean'],
  pareto: ['scale'],
  'bounded-pareto': ['min', 'max'],
  hyperexponential: ['mean'],
  empirical: [],
};

/** The file's distribution with its time parameters ×1000, worked out independently of the resolver. */
function inMs(spec: DistIn): DistributionSpec {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(spec)) {
    if (key === 'samples') out[key] = (value as number[]).map((s) => s * 1000);
    else if (key === 'branches')
      out[key] = (value as { probability: number; mean: number }[]).map((b) => ({
        probability: b.probability,
        mean: b.mean * 1000,
      }));
    else out[key] = TIME_PARAMETERS[spec.dist]?.includes(key) ? (value as number) * 1000 : value;
  }
  return out as unknown as DistributionSpec;
}

const ms = (seconds: number | undefined): number | undefined =>
  seconds === undefined ? undefined : seconds * 1000;

function expectTimesInMs(file: ScenarioFileInput, scenario: Scenario): void {
  expect(scenario.stop).toEqual(
    'time' in file.stop
      ? { kind: 'time', timeMs: file.stop.time * 1000 }
      : { kind: 'tasks', tasks: file.stop.tasks },
  );
  if (file.warmup !== undefined && 'time' in file.warmup)
    expect(scenario.warmup).toEqual({ kind: 'time', timeMs: file.warmup.time * 1000 });
  file.agents.forEach((agent, i) => {
    const service = scenario.agents[i]?.service;
    if ('model' in agent.service) {
      expect(service).toEqual({
        kind: 'tokens',
        baseMs: agent.service.base * 1000,
        perOutputTokenMs: agent.service.perOutputToken * 1000,
        perInputTokenMs: (agent.service.perInputToken ?? 0) * 1000,
      });
    } else {
      expect(service).toEqual({ kind: 'distribution', spec: inMs(agent.service) });
    }
  });
  file.workload.forEach((entry, i) => {
    const resolved = scenario.workload[i]?.arrivals;
    const a = entry.arrivals;
    if (a.process === 'bursty')
      expect(resolved).toMatchObject({ meanOnMs: a.meanOnSec * 1000, meanOffMs: a.meanOffSec * 1000 });
    if (a.process === 'diurnal')
      expect(resolved).toMatchObject({ periodMs: a.periodSec * 1000, phaseMs: (a.phaseSec ?? 0) * 1000 });
    if (a.process === 'closed') expect(resolved).toMatchObject({ thinkTime: inMs(a.thinkTime) });
  });
  if (file.queue?.agingSec !== undefined) expect(scenario.queue.agingMs).toBe(file.queue.agingSec * 1000);
  if (file.retries !== undefined) {
    expect(scenario.retries).toMatchObject({
      baseDelayMs: ms(file.retries.baseDelaySec),
      maxDelayMs: ms(file.retries.maxDelaySec),
    });
  }
  expect(scenario.timeouts).toEqual({
    ttlMs: ms(file.timeouts?.ttlSec),
    timeoutMs: ms(file.timeouts?.timeoutSec),
  });
  if (file.breakers !== undefined) {
    expect(scenario.breakers?.openDurationMs).toBe((file.breakers.openDurationSec ?? 5) * 1000);
    if (file.breakers.window.kind === 'time')
      expect(scenario.breakers?.window).toMatchObject({ windowMs: file.breakers.window.windowSec * 1000 });
  }
  (file.faults ?? []).forEach((fault, i) => {
    const resolved = scenario.faults[i];
    if (fault.kind === 'crash' && fault.atSec !== undefined)
      expect(resolved).toMatchObject({ when: { kind: 'at', atMs: fault.atSec * 1000 } });
    if (fault.kind === 'crash' && fault.ratePerHour !== undefined)
      expect(resolved).toMatchObject({ when: { meanIntervalMs: 3_600_000 / fault.ratePerHour } });
    if (fault.kind === 'slowdown')
      expect(resolved).toMatchObject({ fromMs: fault.fromSec * 1000, toMs: fault.toSec * 1000 });
    if (fault.kind === 'network') {
      expect(resolved).toMatchObject({
        jitterMs: (fault.jitterSec ?? 0) * 1000,
        delay: fault.delay === undefined ? undefined : inMs(fault.delay),
      });
    }
  });
  const scaler = file.autoscaling;
  if (scaler !== undefined && !Array.isArray(scaler)) {
    expect(scenario.autoscaling[0]).toMatchObject({
      cooldownMs: ms(scaler.cooldownSec),
      evaluateEveryMs: ms(scaler.evaluateEverySec),
    });
  }
}

test.prop([scenarioFile], { numRuns: 100 })(
  'a valid scenario parses and resolves every time ×1000',
  (file) => {
    const scenario = parseScenario(YAML.stringify(file), 'generated.yaml');
    expect(scenario.seed).toBe(file.seed);
    expect(scenario.agents.map((a) => a.type)).toEqual(file.agents.map((a) => a.type));
    expectTimesInMs(file, scenario);
    expect(structuredClone(scenario)).toStrictEqual(scenario);
  },
);
