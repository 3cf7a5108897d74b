import { PRIORITIES, type Priority } from '@flotilla/core';
import { MS_PER_SEC, msFromSec, type IssueList } from './issue-list.js';
import { resolveDistribution } from './resolve-agents.js';
import type { AgentTypeScenario, ArrivalsScenario, WorkloadScenario } from './scenario.js';
import { locateTrace } from './traces.js';
import type { ArrivalsFile, WorkloadEntryFile } from './workload-schema.js';

/** Where relative trace paths and named traces are looked up. */
export interface TraceContext {
  /** Directory that relative trace paths are resolved against (the scenario file's). */
  readonly baseDir: string;
  /** Directory of the named traces; `undefined` when none was found. */
  readonly tracesDir: string | undefined;
  /** Whether trace files must exist. */
  readonly checkFiles: boolean;
}

/**
 * The workload entries, checked against the agent types (the type exists, has the capabilities the
 * tasks require, and can size tasks for a token-based service) and converted to ms and probabilities.
 */
export function resolveWorkload(
  entries: readonly WorkloadEntryFile[],
  agents: readonly AgentTypeScenario[],
  traces: TraceContext,
  issues: IssueList,
): WorkloadScenario[] {
  const typeNames = agents.map((agent) => agent.type);
  return entries.map((entry, i) => {
    const at = (field: string): string => `workload[${i}].${field}`;
    const type = entry.type ?? (typeNames.length === 1 ? (typeNames[0] as string) : undefined);
    const agent = agents.find((candidate) => candidate.type === type);
    if (entry.type === undefined && type === undefined) {
      issues.add(
        at('type'),
        `must name the agent type (${typeNames.join(' | ')}) when there are several`,
        undefined,
      );
    } else if (agent === undefined) {
      issues.add(at('type'), `must name an agent type (${typeNames.join(' | ')})`, entry.type);
    }
    const arrivals = resolveArrivals(entry.arrivals, at('arrivals'), traces, issues);
    const sized = arrivals.process === 'trace' || entry.tokens !== undefined;
    if (agent !== undefined) checkAgainstAgent(entry, agent, sized, at, issues);
    if (
      entry.affinityKeys === 'trace' &&
      !(arrivals.process === 'trace' && arrivals.format === 'mooncake-jsonl')
    ) {
      issues.add(
        at('affinityKeys'),
        'must be "trace" only for a Mooncake (.jsonl) trace',
        entry.affinityKeys,
      );
    }
    const tokens = entry.tokens;
    return Object.freeze({
      type: type ?? '',
      arrivals,
      priority: resolvePriority(entry.priority, at('priority'), issues),
      tenants: entry.tenants === undefined ? undefined : normalize(entry.tenants, at('tenants'), issues),
      affinityKeys: entry.affinityKeys,
      capabilities: Object.freeze([...new Set(entry.capabilities)]),
      tokens:
        tokens === undefined
          ? undefined
          : Object.freeze({
              input:
                tokens.input === undefined
                  ? undefined
                  : resolveDistribution(tokens.input, at('tokens.input'), 1, issues),
              output: resolveDistribution(tokens.output, at('tokens.output'), 1, issues),
            }),
      cost: entry.cost ?? (sized ? 'tokens' : 1),
    });
  });
}

function checkAgainstAgent(
  entry: WorkloadEntryFile,
  agent: AgentTypeScenario,
  sized: boolean,
  at: (field: string) => string,
  issues: IssueList,
): void {
  entry.capabilities.forEach((capability, c) => {
    if (!agent.capabilities.includes(capability)) {
      const has = agent.capabilities.length === 0 ? 'none' : agent.capabilities.join(', ');
      issues.add(
        at(`capabilities[${c}]`),
        `must be a capability of agent type ${agent.type} (${has})`,
        capability,
      );
    }
  });
  if (agent.service.kind === 'tokens' && !sized) {
    issues.add(
      at('tokens'),
      `must be set: agent type ${agent.type} has a size-based service ({ model: tokens }) and this workload is not a trace`,
      undefined,
    );
  }
}

function resolveArrivals(
  arrivals: ArrivalsFile,
  path: string,
  traces: TraceContext,
  issues: IssueList,
): ArrivalsScenario {
  switch (arrivals.process) {
    case 'poisson':
      return Object.freeze({ process: 'poisson', ratePerSec: arrivals.rate });
    case 'bursty':
      return Object.freeze({
        process: 'bursty',
        rateOnPerSec: arrivals.rateOn,
        rateOffPerSec: arrivals.rateOff,
        meanOnMs: msFromSec(arrivals.meanOnSec),
        meanOffMs: msFromSec(arrivals.meanOffSec),
      });
    case 'diurnal':
      return Object.freeze({
        process: 'diurnal',
        meanRatePerSec: arrivals.meanRate,
        amplitude: arrivals.amplitude,
        periodMs: msFromSec(arrivals.periodSec),
        phaseMs: msFromSec(arrivals.phaseSec),
      });
    case 'closed':
      return Object.freeze({
        process: 'closed',
        clients: arrivals.clients,
        thinkTime: resolveDistribution(arrivals.thinkTime, `${path}.thinkTime`, MS_PER_SEC, issues),
      });
    case 'trace': {
      const location = locateTrace(arrivals.source, traces);
      if (!location.ok) issues.add(`${path}.source`, location.message, arrivals.source);
      return Object.freeze({
        process: 'trace',
        source: arrivals.source,
        path: location.ok ? location.path : '',
        format: location.ok ? location.format : 'azure-csv',
        timeScale: arrivals.timeScale,
        maxTasks: arrivals.maxTasks,
      });
    }
  }
}

function resolvePriority(
  priority: WorkloadEntryFile['priority'],
  path: string,
  issues: IssueList,
): Readonly<Record<Priority, number>> {
  const weights: Partial<Record<Priority, number>> =
    typeof priority === 'string' ? { [priority]: 1 } : priority;
  const mix = normalize(weights, path, issues);
  return Object.freeze(
    Object.fromEntries(PRIORITIES.map((level) => [level, mix[level] ?? 0])) as Record<Priority, number>,
  );
}

/** Weights → probabilities summing to 1; the weights must not all be 0. */
function normalize(
  weights: Readonly<Record<string, number | undefined>>,
  path: string,
  issues: IssueList,
): Readonly<Record<string, number>> {
  const entries = Object.entries(weights).filter(
    (entry): entry is [string, number] => entry[1] !== undefined,
  );
  const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
  if (!(total > 0) || !Number.isFinite(total)) {
    issues.add(path, 'must have at least one weight > 0 (and a finite sum)', weights);
    return Object.freeze(Object.fromEntries(entries));
  }
  return Object.freeze(Object.fromEntries(entries.map(([key, weight]) => [key, weight / total])));
}
