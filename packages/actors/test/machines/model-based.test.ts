/**
 * Model-based tests of the control-plane machines with @xstate/graph: the model (the machine's own graph)
 * generates paths that reach every reachable state through every transition, and each path is replayed
 * against a real actor running on a VirtualClock, checking the actor against the path at every step.
 */
import { AgentFlag, VirtualClock } from '@flotilla/core';
import { TestModel, createTestModel, toDirectedGraph, type DirectedGraphNode } from '@xstate/graph';
import {
  __unsafe_getAllOwnEventDescriptors,
  createActor,
  type AnyMachineSnapshot,
  type AnyStateMachine,
  type EventObject,
} from 'xstate';
import { describe, expect, it } from 'vitest';
import { agentFlagsOf, agentMachine, type AgentSnapshot } from '../../src/machines/agent-machine.js';
import { breakerAdmits, breakerMachine, type BreakerSnapshot } from '../../src/machines/breaker-machine.js';
import {
  admissionOf,
  delegatorMachine,
  dispatchAllowed,
  type DelegatorEvent,
  type DelegatorSnapshot,
} from '../../src/machines/delegator-machine.js';
import { toXStateClock } from '../../src/machines/xstate-clock.js';

const AFTER_PREFIX = 'xstate.after.';

type AnyTestModel = TestModel<AnyMachineSnapshot, EventObject, unknown>;

interface ModelOptions {
  readonly input?: unknown;
  /** Events with a payload, listed with every case to try; the others are generated as `{ type }`. */
  readonly eventCases?: readonly EventObject[];
  /**
   * Whether to explore the transitions out of `snapshot`; keeps the graph finite where a counter grows
   * without bound (a state past the bound is still reached, just not left).
   */
  readonly explore?: (snapshot: AnyMachineSnapshot) => boolean;
}

/**
 * The options `createTestModel` would build: events are the snapshot's own event descriptors, payload events
 * expanded to their cases; a state is told apart by its value and context *and* by the transition that
 * reached it (event and source state), so shortest paths take every transition, including the targetless
 * ones, guarded ones that do nothing, and an unchanged re-entry such as `RESET` in `closed`. Final states
 * are not explored further (a done actor ignores events).
 *
 * Snapshots are never abstracted (say, a counter capped): the path generator keeps one snapshot per
 * serialized state, so merging distinct snapshots would put on a path a snapshot its events do not produce.
 */
function modelOptions(options: ModelOptions) {
  return {
    ...(options.input === undefined ? {} : { input: options.input }),
    events: (snapshot: AnyMachineSnapshot): EventObject[] =>
      (__unsafe_getAllOwnEventDescriptors(snapshot) as string[]).flatMap((type) => {
        const cases = (options.eventCases ?? []).filter((event) => event.type === type);
        return cases.length > 0 ? cases : [{ type }];
      }),
    serializeState: (snapshot: AnyMachineSnapshot, event?: EventObject, previous?: AnyMachineSnapshot) =>
      JSON.stringify({ value: snapshot.value, context: snapshot.context as unknown }) +
      (event === undefined ? '' : ` via ${JSON.stringify(event)} from ${JSON.stringify(previous?.value)}`),
    stopWhen: (snapshot: AnyMachineSnapshot) =>
      snapshot.status === 'done' || (options.explore !== undefined && !options.explore(snapshot)),
    stateMatcher: (snapshot: AnyMachineSnapshot, key: string) => snapshot.matches(key),
  };
}

/**
 * `createTestModel` for a machine with `after` transitions. createTestModel refuses them ("After events on
 * test machines are not supported": a UI test cannot make time pass); we can, with the VirtualClock, so we
 * build the same `TestModel` without that one check. The delegator below (no timers) checks that this gives
 * exactly createTestModel's paths.
 */
function timedTestModel(machine: AnyStateMachine, options: ModelOptions) {
  return new TestModel<AnyMachineSnapshot, EventObject, unknown>(machine, modelOptions(options));
}

/** Every transition of the machine, by identity, named `<source id>:<index>:<target index>`. */
function transitionIds(machine: AnyStateMachine): Map<unknown, string> {
  const ids = new Map<unknown, string>();
  const walk = (node: DirectedGraphNode): void => {
    for (const edge of node.edges) ids.set(edge.transition, edge.id);
    node.children.forEach(walk);
  };
  walk(toDirectedGraph(machine));
  return ids;
}

/**
 * `state|transition` for every transition each non-final state can take, its own and the root's (the
 * machines are flat: every state is a child of the root).
 */
function expectedCoverage(machine: AnyStateMachine): Set<string> {
  const graph = toDirectedGraph(machine);
  const expected = new Set<string>();
  for (const child of graph.children) {
    if (child.stateNode.type === 'final') continue;
    for (const edge of [...child.edges, ...graph.edges]) expected.add(`${child.stateNode.key}|${edge.id}`);
  }
  return expected;
}

/** What must agree between the actor and the path: the state, the context and the status. */
const view = (snapshot: AnyMachineSnapshot) => ({
  value: snapshot.value,
  context: snapshot.context as unknown,
  status: snapshot.status,
});

interface Harness {
  readonly machine: AnyStateMachine;
  readonly input?: unknown;
  /** The specification's transitions, as `source --EVENT--> target` (`*` for the root, `after(delay)`). */
  readonly specification: readonly string[];
  /** The delay of the `after` transition `eventType` from `snapshot`, per the spec (not the machine). */
  readonly delayMsOf: (snapshot: AnyMachineSnapshot, eventType: string) => number;
  /** Checks of the exported selectors against the specification, run on the actor after every step. */
  readonly check: (snapshot: AnyMachineSnapshot) => void;
}

/** The machine's transitions, in the notation of {@link Harness.specification}. */
function transitionsOf(machine: AnyStateMachine): string[] {
  const edges: string[] = [];
  const walk = (node: DirectedGraphNode): void => {
    for (const edge of node.edges) {
      const source = edge.source === machine.root ? '*' : edge.source.key;
      edges.push(`${source} --${eventName(edge.label.text)}--> ${edge.target.key}`);
    }
    node.children.forEach(walk);
  };
  walk(toDirectedGraph(machine));
  return edges.sort();
}

/** `xstate.after.<delay>.<state id>` as `after(<delay>)`. */
function eventName(type: string): string {
  return type.startsWith(AFTER_PREFIX) ? `after(${type.slice(AFTER_PREFIX.length).split('.')[0]})` : type;
}

/**
 * Replays `steps` on a fresh actor: sends each event, or for an `after` event advances the clock to one
 * millisecond before the delay (nothing may happen) and then to it; after every step the actor must equal
 * the path's snapshot, and a timer must be pending exactly while the state has a delay. Records the
 * transitions the actor took into `covered`.
 */
function replay(
  harness: Harness,
  steps: ReadonlyArray<{ readonly state: AnyMachineSnapshot; readonly event: EventObject }>,
  covered: Set<string>,
  description: string,
): void {
  const ids = transitionIds(harness.machine);
  const clock = new VirtualClock();
  let from = '';
  const actor = createActor(harness.machine, {
    clock: toXStateClock(clock),
    ...(harness.input === undefined ? {} : { input: harness.input }),
    inspect: (event) => {
      if (event.type !== '@xstate.microstep' || event.event.type === 'xstate.init') return;
      for (const transition of event._transitions) {
        const id = ids.get(transition);
        if (id === undefined) throw new Error(`unknown transition on ${event.event.type}`);
        covered.add(`${from}|${id}`);
      }
    },
  }).start();
  steps.forEach((step, index) => {
    const where = `${description}\n  at step ${index} (${step.event.type})`;
    const before = actor.getSnapshot();
    from = String(before.value);
    if (step.event.type.startsWith(AFTER_PREFIX)) {
      const delayMs = harness.delayMsOf(before, step.event.type);
      expect(clock.nextDeadline(), where).toBe(clock.now() + delayMs);
      if (delayMs > 0) {
        clock.advanceBy(delayMs - 1);
        expect(view(actor.getSnapshot()), where).toEqual(view(before));
      }
      clock.advanceBy(Math.min(1, delayMs));
    } else if (step.event.type !== 'xstate.init') {
      actor.send(step.event);
    }
    expect(view(actor.getSnapshot()), where).toEqual(view(step.state));
    harness.check(actor.getSnapshot());
    const timed =
      actor.getSnapshot().status === 'active' && actor.getSnapshot()._nodes.some((n) => n.after.length);
    expect(clock.pendingTimers, where).toBe(timed ? 1 : 0);
  });
  actor.stop();
}

/** A short test title: the events (delays by name) and the state reached; failures print the full path. */
function title(path: {
  readonly state: AnyMachineSnapshot;
  readonly steps: ReadonlyArray<{ event: EventObject }>;
}) {
  const events = path.steps
    .slice(1)
    .map(({ event }) =>
      'drain' in event ? `${event.type}(drain: ${String(event.drain)})` : eventName(event.type),
    );
  return `${events.join(' → ')} ⇒ ${String(path.state.value)} ${JSON.stringify(path.state.context)}`;
}

function describeModel(name: string, harness: Harness, model: AnyTestModel): void {
  describe(`${name} (model-based)`, () => {
    const paths = model.getShortestPaths();

    it('has exactly the transitions of the specification', () => {
      expect(transitionsOf(harness.machine)).toEqual([...harness.specification].sort());
    });

    for (const path of paths) {
      it(title(path), () => replay(harness, path.steps, new Set(), path.description));
    }

    it('the paths take every transition from every state (including delays and root transitions)', () => {
      const covered = new Set<string>();
      for (const path of paths) replay(harness, path.steps, covered, path.description);
      const missing = [...expectedCoverage(harness.machine)].filter((key) => !covered.has(key));
      expect(missing).toEqual([]);
    });

    it('the paths reach every state', () => {
      const reached = new Set(paths.flatMap((path) => path.steps.map((step) => String(step.state.value))));
      expect([...reached].sort()).toEqual(Object.keys(harness.machine.root.states).sort());
    });
  });
}

// ---------------------------------------------------------------------------------------------- agent

const crash = { type: 'CRASHED', error: { name: 'Error', code: 'WORKER_EXIT', message: 'exit 1' } } as const;
const agentInput = { agentId: 'agent-0', restartBackoffMs: 10_000 };
/** Exploring up to 3 crashes reaches the 30 s cap (10 s · 2² = 40 s). */
const RESTARTS_SEEN = 3;

describeModel(
  'agentMachine',
  {
    machine: agentMachine,
    input: agentInput,
    specification: [
      'starting --STARTED--> ready',
      'ready --PAUSE--> paused',
      'paused --RESUME--> ready',
      'ready --DRAIN--> draining',
      'paused --DRAIN--> draining',
      'draining --DRAINED--> stopped',
      ...['starting', 'ready', 'paused', 'draining'].map((state) => `${state} --CRASHED--> failed`),
      'failed --RESTART--> restarting',
      'failed --GIVE_UP--> stopped',
      'restarting --after(restartBackoff)--> starting',
      '* --STOP--> stopped',
    ],
    check: (snapshot) => {
      const flags: Record<string, number> = {
        ready: 0,
        paused: AgentFlag.Paused,
        draining: AgentFlag.Draining,
      };
      expect(agentFlagsOf(snapshot as AgentSnapshot)).toBe(flags[String(snapshot.value)] ?? AgentFlag.Down);
    },
    delayMsOf: (snapshot) => {
      const { context } = snapshot as AgentSnapshot;
      return Math.min(30_000, context.restartBackoffMs * 2 ** (context.restarts - 1));
    },
  },
  timedTestModel(agentMachine, {
    input: agentInput,
    eventCases: [crash],
    explore: (snapshot) => (snapshot as AgentSnapshot).context.restarts <= RESTARTS_SEEN,
  }),
);

// ---------------------------------------------------------------------------------------------- breaker

const breakerInput = { openDurationMs: 5_000, halfOpenProbes: 2 };

describeModel(
  'breakerMachine',
  {
    machine: breakerMachine,
    input: breakerInput,
    specification: [
      'closed --TRIP--> open',
      'open --after(openDuration)--> halfOpen',
      'halfOpen --PROBE_STARTED--> halfOpen',
      'halfOpen --PROBE_SUCCEEDED--> closed',
      'halfOpen --PROBE_SUCCEEDED--> halfOpen',
      'halfOpen --PROBE_FAILED--> open',
      '* --RESET--> closed',
    ],
    check: (snapshot) => {
      const { context } = snapshot as BreakerSnapshot;
      expect(breakerAdmits(snapshot as BreakerSnapshot)).toBe(
        snapshot.value === 'closed' ||
          (snapshot.value === 'halfOpen' && context.probesInFlight < context.halfOpenProbes),
      );
    },
    delayMsOf: (snapshot) => (snapshot as BreakerSnapshot).context.openDurationMs,
  },
  timedTestModel(breakerMachine, {
    input: breakerInput,
    explore: (snapshot) => (snapshot as BreakerSnapshot).context.trips <= 2,
  }),
);

// ---------------------------------------------------------------------------------------------- delegator

const closeCases: DelegatorEvent[] = [
  { type: 'CLOSE', drain: true },
  { type: 'CLOSE', drain: false },
];
const delegatorModelOptions: ModelOptions = { eventCases: closeCases };
const delegatorHarness: Harness = {
  machine: delegatorMachine,
  specification: [
    'accepting --DEPTH_HIGH--> backpressure',
    'backpressure --DEPTH_LOW--> accepting',
    'accepting --PAUSE--> paused',
    'backpressure --PAUSE--> paused',
    'paused --RESUME--> accepting',
    ...['accepting', 'backpressure', 'paused'].flatMap((state) => [
      `${state} --CLOSE--> draining`,
      `${state} --CLOSE--> closed`,
    ]),
    'draining --IDLE--> closed',
    'draining --CLOSE--> closed',
  ],
  check: (snapshot) => {
    const admission: Record<string, string> = {
      accepting: 'accept',
      backpressure: 'shed-low',
      paused: 'accept',
      draining: 'reject-all',
      closed: 'reject-all',
    };
    expect(admissionOf(snapshot as DelegatorSnapshot)).toBe(admission[String(snapshot.value)]);
    expect(dispatchAllowed(snapshot as DelegatorSnapshot)).toBe(
      !['paused', 'closed'].includes(String(snapshot.value)),
    );
  },
  delayMsOf: () => Number.NaN,
};

/** createTestModel itself, with the same options (its option types are the machine's own). */
function delegatorTestModel(): AnyTestModel {
  type Options = NonNullable<Parameters<typeof createTestModel<typeof delegatorMachine>>[1]>;
  const model = createTestModel(delegatorMachine, modelOptions(delegatorModelOptions) as unknown as Options);
  return model as unknown as AnyTestModel;
}

describeModel('delegatorMachine', delegatorHarness, delegatorTestModel());

describe('delegatorMachine (model-based, simple paths)', () => {
  const paths = delegatorTestModel().getSimplePaths();

  it('every simple path replays on a real actor', () => {
    expect(paths.length).toBeGreaterThan(20);
    for (const path of paths) replay(delegatorHarness, path.steps, new Set(), path.description);
  });

  it('timedTestModel gives exactly createTestModel’s paths on a machine createTestModel accepts', () => {
    const events = (model: AnyTestModel) =>
      model.getShortestPaths().map((path) => path.steps.map((step) => JSON.stringify(step.event)));
    expect(events(timedTestModel(delegatorMachine, delegatorModelOptions))).toEqual(
      events(delegatorTestModel()),
    );
  });
});
