import { exponential, type Rng, type VirtualClock } from '@flotilla/core';
import type { Delegation } from '@flotilla/actors';
import { selects, type SimFault } from './faults.js';
import type { SimAgent, SimTask } from './sim-executor.js';

type CrashFault = Extract<SimFault, { kind: 'crash' }>;

/** Code of the error that a simulated crash fails running attempts with. */
export const AGENT_CRASHED = 'FLOTILLA_AGENT_CRASHED';

/**
 * Schedules the crash faults: at a time, or per agent at exponential intervals of uptime. A crash is a
 * lost host as the runtime sees one (its running attempts fail and retry per policy, its local queue goes
 * back to the central queue, the restart intensity decides); the host is back `restartDelayMs` later,
 * when the agent's code is loaded again and its machine starts it.
 */
export function scheduleCrashes(
  faults: readonly SimFault[],
  clock: VirtualClock,
  rng: Rng,
  delegation: Delegation<SimTask, SimAgent>,
): void {
  const roster = delegation.roster;
  const crash = (agent: SimAgent, fault: CrashFault, onBack: () => void): void => {
    if (agent.hostDown || roster.agents.get(agent.id) !== agent) return;
    agent.hostDown = true;
    const verdict = roster.crashed(
      [agent],
      { name: 'Error', code: AGENT_CRASHED, message: `${agent.id} crashed (simulated)` },
      agent.id,
    );
    if (verdict === 'escalate' || !Number.isFinite(fault.restartDelayMs)) return;
    clock.setTimer(fault.restartDelayMs, () => {
      agent.hostDown = false;
      roster.loaded((a) => a === agent);
      onBack();
    });
  };
  const targets = (fault: CrashFault): SimAgent[] =>
    [...roster.agents.values()].filter(
      (agent) => agent.type === fault.target.type && selects(fault.target.agents, agent.index),
    );
  faults.forEach((fault, i) => {
    if (fault.kind !== 'crash') return;
    const when = fault.when;
    if (when.kind === 'at') {
      clock.setTimer(when.atMs, () => {
        for (const agent of targets(fault)) crash(agent, fault, () => undefined);
      });
      return;
    }
    const uptime = exponential({ mean: when.meanIntervalMs });
    const stream = rng.fork(`crash-${i}`);
    for (const agent of targets(fault)) {
      const next = (): void => {
        clock.setTimer(uptime.sample(stream), () => crash(agent, fault, next));
      };
      next();
    }
  });
}
