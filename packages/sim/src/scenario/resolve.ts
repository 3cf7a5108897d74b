import { IssueList } from './issue-list.js';
import { resolveAgents, resolveStrategy } from './resolve-agents.js';
import { resolveFaults } from './resolve-faults.js';
import {
  resolveAutoscaling,
  resolveBreakers,
  resolveQueue,
  resolveRetries,
  resolveRunLimits,
  resolveTimeouts,
} from './resolve-policies.js';
import { resolveWorkload, type TraceContext } from './resolve-workload.js';
import { ScenarioError } from './scenario-error.js';
import type { Scenario } from './scenario.js';
import type { ScenarioFile } from './schema.js';

/**
 * Runs the checks that span fields (workload types name agent types, the warm-up ends before the stop,
 * fault targets exist, distributions pass core's checks, …) and converts a parsed file into the resolved
 * {@link Scenario}: milliseconds, `unbounded` as `Infinity`, weights as probabilities, frozen. Throws one
 * {@link ScenarioError} listing every problem found.
 *
 * @example
 * ```ts
 * const scenario = resolveScenario(scenarioSchema.parse(input), 'inline', { baseDir: '.', tracesDir: undefined, checkFiles: true });
 * ```
 */
export function resolveScenario(file: ScenarioFile, origin: string, traces: TraceContext): Scenario {
  const issues = new IssueList();
  const { stop, warmup } = resolveRunLimits(file.stop, file.warmup, issues);
  const agents = resolveAgents(file.agents, issues);
  const autoscaling = resolveAutoscaling(file.autoscaling, agents, issues);
  // An autoscaler can add agents up to its maxAgents: fault targets may name those too.
  const agentsPerType = new Map(agents.map((agent) => [agent.type, agent.count]));
  for (const scaler of autoscaling) {
    const count = agentsPerType.get(scaler.type);
    if (count !== undefined) agentsPerType.set(scaler.type, Math.max(count, scaler.maxAgents));
  }
  const scenario: Scenario = {
    origin,
    name: file.name,
    description: file.description,
    seed: file.seed,
    stop,
    warmup,
    strategy: resolveStrategy(file.strategy),
    agents: Object.freeze(agents),
    workload: Object.freeze(resolveWorkload(file.workload, agents, traces, issues)),
    queue: resolveQueue(file.queue, issues),
    retries: resolveRetries(file.retries, issues),
    timeouts: resolveTimeouts(file.timeouts),
    breakers: resolveBreakers(file.breakers, issues),
    faults: Object.freeze(resolveFaults(file.faults, agentsPerType, issues)),
    autoscaling: Object.freeze(autoscaling),
    metrics: Object.freeze({ perTask: file.metrics.perTask }),
  };
  if (issues.length > 0) throw new ScenarioError(origin, issues.all);
  return Object.freeze(scenario);
}
