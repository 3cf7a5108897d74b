import { MS_PER_SEC, msFromSec, type IssueList } from './issue-list.js';
import type { FaultFile } from './faults-schema.js';
import { resolveDistribution } from './resolve-agents.js';
import {
  agentId,
  type AgentRef,
  type AgentSelection,
  type FaultScenario,
  type FaultTarget,
  type FaultWindow,
  type NetworkPartition,
} from './scenario.js';

const MS_PER_HOUR = 3_600_000;

const ALL_AGENTS: AgentSelection = Object.freeze({ kind: 'all' });

/**
 * Checks the faults against the fleet and converts them to ms. `agentsPerType` is the most agents each type
 * can have (its count, or its autoscaler's `maxAgents` if larger): an id past it names no agent.
 */
export function resolveFaults(
  faults: readonly FaultFile[],
  agentsPerType: ReadonlyMap<string, number>,
  issues: IssueList,
): FaultScenario[] {
  const fleet = new Fleet(agentsPerType, issues);
  let networkSeen = false;
  return faults.map((fault, i): FaultScenario => {
    const at = `faults[${i}]`;
    switch (fault.kind) {
      case 'crash':
        return resolveCrash(fault, at, fleet, issues);
      case 'errors':
      case 'rate-limit-429':
        return Object.freeze({
          kind: fault.kind,
          target: fleet.target(fault.type, fault.agents, at),
          probability: fault.rate,
          code: fault.code,
          ...resolveWindow(fault.fromSec ?? 0, fault.toSec, at, issues),
        });
      case 'slowdown':
        return Object.freeze({
          kind: fault.kind,
          target: fleet.target(fault.type, fault.agents, at),
          factor: fault.factor,
          ...resolveWindow(fault.fromSec, fault.toSec, at, issues),
        });
      case 'network': {
        if (networkSeen)
          issues.add(`${at}.kind`, 'must appear once (one network fault per scenario)', fault.kind);
        networkSeen = true;
        const partitions = fault.partition === undefined ? [] : [fault.partition].flat();
        const many = Array.isArray(fault.partition);
        return Object.freeze({
          kind: fault.kind,
          delay:
            fault.delay === undefined
              ? undefined
              : resolveDistribution(fault.delay, `${at}.delay`, MS_PER_SEC, issues),
          jitterMs: msFromSec(fault.jitterSec ?? 0),
          lossRate: fault.lossRate ?? 0,
          partitions: Object.freeze(
            partitions.map((partition, p): NetworkPartition => {
              const path = many ? `${at}.partition[${p}]` : `${at}.partition`;
              return Object.freeze({
                ...resolveWindow(partition.fromSec, partition.toSec, path, issues),
                agents: fleet.anySelection(partition.agents, `${path}.agents`),
              });
            }),
          ),
        });
      }
    }
  });
}

function resolveCrash(
  fault: Extract<FaultFile, { kind: 'crash' }>,
  at: string,
  fleet: Fleet,
  issues: IssueList,
): FaultScenario {
  let target: FaultTarget = { type: '', agents: ALL_AGENTS };
  if ((fault.agent === undefined) === (fault.type === undefined)) {
    issues.add(at, 'must set either agent (one agent by id) or type (agents of a type)', fault);
  } else if (fault.agent !== undefined) {
    if (fault.agents !== undefined)
      issues.add(`${at}.agents`, 'must be unset when agent is set', fault.agents);
    const ref = fleet.agent(fault.agent, `${at}.agent`, undefined);
    if (ref !== undefined) target = { type: ref.type, agents: { kind: 'list', agents: [ref] } };
  } else {
    target = fleet.target(fault.type ?? '', fault.agents, at);
  }
  if ((fault.atSec === undefined) === (fault.ratePerHour === undefined)) {
    issues.add(at, 'must set either atSec (one crash) or ratePerHour (crashes at random)', fault);
  }
  return Object.freeze({
    kind: 'crash',
    target: Object.freeze(target),
    when:
      fault.ratePerHour !== undefined
        ? Object.freeze({ kind: 'rate', meanIntervalMs: MS_PER_HOUR / fault.ratePerHour })
        : Object.freeze({ kind: 'at', atMs: msFromSec(fault.atSec ?? 0) }),
    restartDelayMs:
      fault.restartDelaySec === 'never' ? Number.POSITIVE_INFINITY : msFromSec(fault.restartDelaySec),
  });
}

function resolveWindow(
  fromSec: number,
  toSec: number | undefined,
  at: string,
  issues: IssueList,
): FaultWindow {
  if (toSec !== undefined && !(toSec > fromSec))
    issues.add(`${at}.toSec`, `must be > fromSec (${fromSec})`, toSec);
  return {
    fromMs: msFromSec(fromSec),
    toMs: toSec === undefined ? Number.POSITIVE_INFINITY : msFromSec(toSec),
  };
}

/** The fleet as faults see it: agent types and how many agents each can have. */
class Fleet {
  private readonly types: string[];

  constructor(
    private readonly agentsPerType: ReadonlyMap<string, number>,
    private readonly issues: IssueList,
  ) {
    // Longest first: with types `a` and `a-1`, the id `a-1-2` is agent 2 of `a-1`, not agent "1-2" of `a`.
    this.types = [...agentsPerType.keys()].sort((x, y) => y.length - x.length);
  }

  /** Agents of `type` picked by `agents` (a count or a list of ids), recording what does not exist. */
  target(type: string, agents: number | readonly string[] | undefined, at: string): FaultTarget {
    const max = this.agentsPerType.get(type);
    if (max === undefined) {
      this.issues.add(
        `${at}.type`,
        `must name an agent type (${[...this.agentsPerType.keys()].join(' | ')})`,
        type,
      );
      return Object.freeze({ type, agents: ALL_AGENTS });
    }
    return Object.freeze({ type, agents: this.selection(agents, `${at}.agents`, type, max) });
  }

  /** A selection across all types (network partitions): a count applies to each type. */
  anySelection(agents: number | readonly string[] | undefined, path: string): AgentSelection {
    return this.selection(agents, path, undefined, Math.min(...this.agentsPerType.values()));
  }

  private selection(
    agents: number | readonly string[] | undefined,
    path: string,
    type: string | undefined,
    max: number,
  ): AgentSelection {
    if (agents === undefined) return ALL_AGENTS;
    if (typeof agents === 'number') {
      const of = type === undefined ? 'of the smallest agent type' : `agents of type ${type}`;
      if (agents > max) this.issues.add(path, `must be ≤ ${max} (${of})`, agents);
      return Object.freeze({ kind: 'first', count: agents });
    }
    const refs = agents.map((id, k) => this.agent(id, `${path}[${k}]`, type));
    return Object.freeze({
      kind: 'list',
      agents: Object.freeze(refs.filter((ref): ref is AgentRef => ref !== undefined)),
    });
  }

  /** The agent an id names (of `type`, when given), or `undefined` after recording why there is none. */
  agent(id: string, path: string, type: string | undefined): AgentRef | undefined {
    const owner = this.types.find((candidate) => id.startsWith(`${candidate}-`));
    const indexText = owner === undefined ? '' : id.slice(owner.length + 1);
    const index = /^(0|[1-9]\d*)$/.test(indexText) ? Number(indexText) : -1;
    const max = owner === undefined ? 0 : (this.agentsPerType.get(owner) ?? 0);
    if (owner === undefined || index < 0 || index >= max || (type !== undefined && owner !== type)) {
      const types = type === undefined ? [...this.agentsPerType.keys()] : [type];
      const examples = types.map(
        (t) => `${agentId(t, 0)} … ${agentId(t, (this.agentsPerType.get(t) ?? 1) - 1)}`,
      );
      this.issues.add(path, `must name an agent (${examples.join(', ')})`, id);
      return undefined;
    }
    return Object.freeze({ id, type: owner, index });
  }
}
