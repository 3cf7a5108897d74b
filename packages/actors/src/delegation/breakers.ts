import { AgentFlag, canEject, createBreakerWindow, type BreakerWindow, type Clock } from '@flotilla/core';
import { createActor, type Actor } from 'xstate';
import { breakerAdmits, breakerMachine } from '../machines/breaker-machine.js';
import { toXStateClock } from '../machines/xstate-clock.js';
import type { AgentPool } from './agent-pool.js';
import type { DelegatedAgent, DelegatedTask } from './delegated.js';
import type { DelegationOptions } from './delegation-options.js';

type Pool = AgentPool<DelegatedTask, DelegatedAgent>;

/** Breaker options of a fleet: a breaker per agent. */
export type BreakerOptions = NonNullable<DelegationOptions['breaker']>;

/** @internal What the fleet calls on the per-task path; everything else happens in the breaker actors. */
export interface Breakers {
  attach(pools: Iterable<Pool>): void;
  /** A task starts on `agent`; true if it is a half-open probe. */
  probeStarted(pool: Pool, agent: DelegatedAgent): boolean;
  recorded(pool: Pool, agent: DelegatedAgent, success: boolean, durationMs: number, probe: boolean): void;
  stop(): void;
}

interface AgentBreaker {
  readonly window: BreakerWindow;
  readonly actor: Actor<typeof breakerMachine>;
}

/**
 * One circuit breaker per agent: a core breaker window counts outcomes (data plane); the XState breaker
 * machine holds closed / open / half-open (control plane) and hears only trips and probe results. The
 * agent is ejected from its pool's table while open, and while half-open once its probes are all out.
 * Ejection is capped per pool, as Envoy's max_ejection_percent, so a fleet-wide fault ejects no one past it.
 */
export function attachBreakers(
  options: BreakerOptions,
  clock: Clock,
  wake: (pool: Pool) => void,
  decide: (name: string, detail: string, extra: { agentId?: string; type?: string }) => void,
): Breakers {
  const breakers = new Map<string, AgentBreaker>();
  const maxEjectionPercent = options.maxEjectionPercent ?? 50;
  const halfOpenProbes = options.halfOpenProbes ?? 1;

  const ejectedIn = (pool: Pool): number => {
    let ejected = 0;
    for (const agent of pool.agents.values())
      if ((pool.table.flagsOf(agent.slot) & AgentFlag.Ejected) !== 0) ejected++;
    return ejected;
  };

  const breakerOf = (pool: Pool, agent: DelegatedAgent): AgentBreaker => {
    let breaker = breakers.get(agent.id);
    if (breaker !== undefined) return breaker;
    const actor = createActor(breakerMachine, {
      input: { openDurationMs: options.openDurationMs, halfOpenProbes },
      clock: toXStateClock(clock),
      id: `breaker/${agent.id}`,
    });
    breaker = { window: createBreakerWindow(options.window), actor };
    const window = breaker.window;
    let lastState = 'closed';
    actor.subscribe((snapshot) => {
      if (!pool.table.has(agent.slot) || pool.agents.get(agent.slot) !== agent) return;
      const eject = snapshot.value === 'open' || (snapshot.value === 'halfOpen' && !breakerAdmits(snapshot));
      pool.table.setFlag(agent.slot, AgentFlag.Ejected, eject);
      if (snapshot.value !== lastState) {
        decide(`breaker-${snapshot.value}`, `${agent.id} breaker ${lastState} → ${snapshot.value}`, {
          agentId: agent.id,
          type: pool.spec.type,
        });
        if (snapshot.value === 'closed') window.reset();
        lastState = String(snapshot.value);
      }
      wake(pool);
    });
    actor.start();
    breakers.set(agent.id, breaker);
    return breaker;
  };

  return {
    attach(pools) {
      for (const pool of pools) for (const agent of pool.agents.values()) breakerOf(pool, agent);
    },
    probeStarted(pool, agent) {
      const { actor } = breakerOf(pool, agent);
      if (actor.getSnapshot().value !== 'halfOpen') return false;
      actor.send({ type: 'PROBE_STARTED' });
      return true;
    },
    recorded(pool, agent, success, durationMs, probe) {
      const { actor, window } = breakerOf(pool, agent);
      if (probe) {
        actor.send({ type: success ? 'PROBE_SUCCEEDED' : 'PROBE_FAILED' });
        return;
      }
      if (actor.getSnapshot().value !== 'closed') return;
      window.record({ success, durationMs }, clock.now());
      if (!window.shouldTrip()) return;
      if (canEject(ejectedIn(pool), pool.agents.size, maxEjectionPercent)) actor.send({ type: 'TRIP' });
      else
        decide(
          'ejection-capped',
          `${agent.id} would trip, but ${maxEjectionPercent}% of ${pool.spec.type} is already ejected`,
          { agentId: agent.id },
        );
    },
    stop() {
      for (const { actor } of breakers.values()) actor.stop();
    },
  };
}
