import { checkPositive, type Clock, type TimerHandle } from '@flotilla/core';
import { createActor } from 'xstate';
import type { AutoscaleDecision } from '../autoscaler/autoscale-decision.js';
import type { AutoscalerConfig } from '../autoscaler/autoscaler-config.js';
import { autoscalerMachine } from '../autoscaler/autoscaler-machine.js';
import { toXStateClock } from '../machines/xstate-clock.js';
import type { AgentPool } from './agent-pool.js';

/** Options of `fleet.autoscale`: the autoscaler's configuration and how often it looks. */
export type AutoscaleOptions = Omit<AutoscalerConfig, 'type'> & {
  /** Time between evaluations, ms. Default 1,000. */
  readonly evaluateEveryMs?: number;
};

/** A running autoscaler: its decision log, and how to stop it. */
export interface Autoscaling {
  /** The latest decisions (scale-ups, scale-downs, and holds that blocked a wanted change), oldest first. */
  decisions(): readonly AutoscaleDecision[];
  stop(): void;
}

/** @internal What the autoscaler needs from the fleet. */
export interface AutoscalingHost {
  readonly clock: Clock;
  readonly pool: AgentPool;
  /** Agents of the type that take work (not starting, draining or stopped), with their loads. */
  agents(): Array<{ id: string; load: number }>;
  scale(replicas: number): void;
  drain(agentId: string): void;
  report(decision: AutoscaleDecision): void;
}

/**
 * Drives an autoscaler machine from a fleet: every `evaluateEveryMs` on the fleet's clock it sends the
 * type's metrics (utilization as busy agents ÷ agents, queue depth, whether the rate limiter is what holds
 * tasks back, idle agents oldest first), applies each scale decision (scale-up: start agents; scale-down:
 * drain the named idle agent, which finishes nothing because it holds nothing), and confirms it.
 */
export function startAutoscaling(host: AutoscalingHost, options: AutoscaleOptions): Autoscaling {
  const { evaluateEveryMs = 1_000, ...config } = options;
  checkPositive('evaluateEveryMs', evaluateEveryMs);
  const clock = host.clock;
  const actor = createActor(autoscalerMachine, {
    input: { ...config, type: host.pool.spec.type },
    clock: toXStateClock(clock),
    id: `autoscaler/${host.pool.spec.type}`,
  });
  actor.on('decision', (event) => {
    const decision = event.decision;
    host.report(decision);
    if (decision.kind === 'scale-up') host.scale(decision.to);
    else if (decision.kind === 'scale-down' && decision.drainAgentId !== undefined)
      host.drain(decision.drainAgentId);
    else return;
    // Agents start (or a drained idle agent stops) within this turn or the next: the change is applied.
    actor.send({ type: 'SCALED' });
  });
  actor.start();
  let timer: TimerHandle | undefined;
  const evaluate = (): void => {
    const nowMs = clock.now();
    const agents = host.agents();
    actor.send({
      type: 'EVALUATE',
      nowMs,
      agents: agents.length,
      busyAgents: agents.filter((a) => a.load > 0).length,
      queueDepth: host.pool.queue.size,
      rateLimited: host.pool.rateLimitedUntilMs > nowMs,
      idleAgentIds: agents.filter((a) => a.load === 0).map((a) => a.id),
    });
    timer = clock.setTimer(evaluateEveryMs, evaluate);
  };
  timer = clock.setTimer(evaluateEveryMs, evaluate);
  return {
    decisions: () => actor.getSnapshot().context.decisions,
    stop: () => {
      if (timer !== undefined) clock.clearTimer(timer);
      actor.stop();
    },
  };
}
