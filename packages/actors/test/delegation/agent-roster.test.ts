import { AgentFlag, VirtualClock } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import { Delegation } from '../../src/delegation/delegation.js';
import type { AttemptExecutor, DelegatedAgent, DelegatedTask } from '../../src/delegation/delegated.js';

function delegationWith(startsLoaded: boolean, copy = true): Delegation<DelegatedTask, DelegatedAgent> {
  const clock = new VirtualClock();
  const executor: AttemptExecutor<DelegatedTask, DelegatedAgent> = {
    // A copy, as the runtime's executor makes, reads the machine at once; the base record defers it.
    createAgent: (base) => (copy ? { ...base } : base),
    isLoaded: () => true,
    ...(startsLoaded ? { startsLoaded: () => true } : {}),
    run: () => undefined,
    abort: () => undefined,
  };
  return new Delegation({
    types: [
      {
        type: 'w',
        replicas: 2,
        capacity: 1,
        queueLimit: 0,
        capabilities: [],
        rateLimit: undefined,
        weight: undefined,
      },
    ],
    options: {},
    clock,
    seed: 1,
    executor,
    hooks: { settled: () => undefined, decision: () => undefined },
    defer: (callback) => callback(),
  });
}

describe('AgentRoster', () => {
  it.each([true, false])(
    'agents restored ready (%s) or started take work, pause and stop alike',
    (startsLoaded) => {
      const delegation = delegationWith(startsLoaded);
      delegation.roster.start();
      const pool = delegation.poolOf('w');
      const [first, second] = [...delegation.roster.agents.values()];
      if (pool === undefined || first === undefined || second === undefined) throw new Error('no agents');
      expect(pool.table.availableCount).toBe(2);
      expect(delegation.roster.stateOf(first)).toBe('ready');
      delegation.roster.tell(second, { type: 'PAUSE' });
      expect(pool.table.flagsOf(second.slot)).toBe(AgentFlag.Paused);
      expect(pool.table.availableCount).toBe(1);
      delegation.roster.drain(first.id);
      expect(delegation.roster.agents.has(first.id)).toBe(false);
      delegation.stop();
      expect(second.actor.getSnapshot().status).toBe('stopped');
    },
  );

  it('creates the machine of an agent restored ready only when it is first needed, stopped if the roster is', () => {
    const delegation = delegationWith(true, false);
    delegation.roster.start();
    const agents = [...delegation.roster.agents.values()];
    delegation.stop();
    for (const agent of agents) {
      expect(agent.actor.getSnapshot().status).toBe('stopped');
      expect(agent.actor.getSnapshot().value).toBe('ready');
    }
  });
});
