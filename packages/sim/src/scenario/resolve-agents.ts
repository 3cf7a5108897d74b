import { createDistribution, type DistributionSpec, type RateLimit, type StrategySpec } from '@flotilla/core';
import type { AgentTypeFile, StrategyFile } from './agents-schema.js';
import { scaleDistribution, toDistributionSpec, type DistributionFile } from './distribution-schema.js';
import { MS_PER_SEC, msFromSec, type IssueList } from './issue-list.js';
import type { AgentSpeed, AgentTypeScenario, ServiceModel } from './scenario.js';

/**
 * Core's spec for a parsed distribution after core's own checks (recorded against `path`), scaled by
 * `factor` (1000 for seconds → ms, 1 for counts).
 *
 * @example
 * ```ts
 * resolveDistribution({ dist: 'uniform', min: 1, max: 2 }, 'agents[0].service', 1000, issues);
 * // { dist: 'uniform', min: 1000, max: 2000 }
 * ```
 */
export function resolveDistribution(
  parsed: DistributionFile,
  path: string,
  factor: number,
  issues: IssueList,
): DistributionSpec {
  const spec = toDistributionSpec(parsed);
  // Checked in the file's own unit, so a complaint quotes the numbers the author wrote.
  issues.capture(() => createDistribution(spec, path));
  return scaleDistribution(spec, factor);
}

/**
 * The agent types, checked (unique types, speed lists no longer than `count`, rate limits that admit a
 * request) and converted to ms.
 */
export function resolveAgents(agents: readonly AgentTypeFile[], issues: IssueList): AgentTypeScenario[] {
  const seen = new Set<string>();
  return agents.map((agent, i) => {
    const at = (field: string): string => `agents[${i}].${field}`;
    if (seen.has(agent.type)) issues.add(at('type'), 'must be unique', agent.type);
    seen.add(agent.type);
    return Object.freeze({
      type: agent.type,
      count: agent.count,
      capacity: agent.capacity,
      queueLimit: agent.queueLimit === 'unbounded' ? Number.POSITIVE_INFINITY : agent.queueLimit,
      service: resolveService(agent.service, at('service'), issues),
      speed: resolveSpeed(agent, at('speed'), issues),
      capabilities: Object.freeze([...new Set(agent.capabilities)]),
      weight: agent.weight ?? agent.capacity,
      rateLimit: resolveRateLimit(agent.rateLimit, at('rateLimit'), issues),
      prefixCacheBlocks: agent.prefixCache?.blocks,
    });
  });
}

function resolveService(service: AgentTypeFile['service'], path: string, issues: IssueList): ServiceModel {
  if ('model' in service) {
    return Object.freeze({
      kind: 'tokens',
      baseMs: msFromSec(service.base),
      perOutputTokenMs: msFromSec(service.perOutputToken),
      perInputTokenMs: msFromSec(service.perInputToken),
    });
  }
  return Object.freeze({
    kind: 'distribution',
    spec: resolveDistribution(service, path, MS_PER_SEC, issues),
  });
}

function resolveSpeed(agent: AgentTypeFile, path: string, issues: IssueList): AgentSpeed {
  const speed = agent.speed;
  if (speed === undefined) return Object.freeze({ base: 1, perAgent: Object.freeze([]) });
  if (typeof speed === 'number') return Object.freeze({ base: speed, perAgent: Object.freeze([]) });
  if (speed.length > agent.count) {
    issues.add(path, `must have at most ${agent.count} entries (count)`, speed);
  }
  return Object.freeze({ base: 1, perAgent: Object.freeze([...speed]) });
}

function resolveRateLimit(
  rateLimit: AgentTypeFile['rateLimit'],
  path: string,
  issues: IssueList,
): AgentTypeScenario['rateLimit'] {
  if (rateLimit === undefined) return undefined;
  if (rateLimit.requests === undefined && rateLimit.cost === undefined) {
    issues.add(path, 'must set requests or cost (or both)', rateLimit);
    return undefined;
  }
  const { requests, cost } = rateLimit;
  if (requests !== undefined && (requests.burst ?? requests.limit) < 1) {
    // Each request takes a whole token: a bucket holding less than one would refuse every request.
    const field = requests.burst === undefined ? 'limit' : 'burst';
    issues.add(`${path}.requests.${field}`, 'must be ≥ 1 (one request)', requests[field]);
  }
  const toCore = (limit: { limit: number; intervalSec: number; burst?: number | undefined }): RateLimit =>
    Object.freeze({
      limit: limit.limit,
      intervalMs: msFromSec(limit.intervalSec),
      ...(limit.burst === undefined ? {} : { burst: limit.burst }),
    });
  return Object.freeze({
    ...(requests === undefined ? {} : { requests: toCore(requests) }),
    ...(cost === undefined ? {} : { cost: toCore(cost) }),
  });
}

/**
 * Core's strategy spec: a name, or `{ name, …options }` with times in ms. An object without options
 * becomes its name, so equal strategies compare equal.
 *
 * @example
 * ```ts
 * resolveStrategy({ name: 'latency-ewma', decaySec: 2 }); // { name: 'latency-ewma', decayMs: 2000 }
 * resolveStrategy({ name: 'random' }); // 'random'
 * ```
 */
export function resolveStrategy(strategy: StrategyFile): StrategySpec {
  if (typeof strategy === 'string') return strategy;
  switch (strategy.name) {
    case 'consistent-hash': {
      const { name, virtualNodes, maxRingSize, loadFactor } = strategy;
      if (virtualNodes === undefined && maxRingSize === undefined && loadFactor === undefined) return name;
      return Object.freeze({
        name,
        ...(virtualNodes === undefined ? {} : { virtualNodes }),
        ...(maxRingSize === undefined ? {} : { maxRingSize }),
        ...(loadFactor === undefined ? {} : { loadFactor }),
      });
    }
    case 'latency-ewma':
      return strategy.decaySec === undefined
        ? strategy.name
        : Object.freeze({ name: strategy.name, decayMs: msFromSec(strategy.decaySec) });
    default:
      return strategy.name;
  }
}
