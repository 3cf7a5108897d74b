import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AgentFlag, AgentTable } from '../../src/balancing/agent-table.js';
import { createStrategy, type StrategySpec } from '../../src/balancing/create-strategy.js';
import { NO_AGENT, STRATEGY_NAMES, type PickRequest } from '../../src/balancing/strategy.js';
import { createRng } from '../../src/random/rng.js';

const CAPABILITIES = ['gpu', 'eu', 'long-context'] as const;
const FLAGS = [AgentFlag.Paused, AgentFlag.Draining, AgentFlag.Ejected, AgentFlag.Down] as const;

interface AgentInput {
  capacity: number;
  queueLimit: number;
  weight: number | undefined;
  capabilities: string[];
}

const agentArb: fc.Arbitrary<AgentInput> = fc.record({
  capacity: fc.integer({ min: 1, max: 3 }),
  queueLimit: fc.oneof(fc.integer({ min: 0, max: 2 }), fc.constant(Number.POSITIVE_INFINITY)),
  weight: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
  capabilities: fc.subarray([...CAPABILITIES]),
});

type Op =
  | { kind: 'pick'; required: string[]; key: number | undefined }
  | { kind: 'release'; pick: number }
  | { kind: 'flag'; pick: number; flag: number; on: boolean }
  | { kind: 'add'; agent: AgentInput }
  | { kind: 'remove-idle'; pick: number }
  | { kind: 'latency'; pick: number; latencyMs: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('pick' as const),
      required: fc.subarray([...CAPABILITIES], { maxLength: 2 }),
      key: fc.option(fc.integer({ min: 0, max: 30 }), { nil: undefined }),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('release' as const), pick: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('flag' as const),
      pick: fc.nat(),
      flag: fc.constantFrom(...FLAGS),
      on: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('add' as const), agent: agentArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove-idle' as const), pick: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('latency' as const),
      pick: fc.nat(),
      latencyMs: fc.integer({ min: 1, max: 500 }),
    }),
  },
);

const specs: StrategySpec[] = [
  ...STRATEGY_NAMES,
  { name: 'consistent-hash', loadFactor: 1.25, virtualNodes: 20 },
];

/** The oracle: is this agent eligible, by direct inspection of the table? */
function eligible(table: AgentTable, slot: number, required: readonly string[]): boolean {
  if (!table.has(slot) || table.flagsOf(slot) !== 0 || table.loadOf(slot) >= table.limitOf(slot))
    return false;
  const mask = table.requirementMask(required);
  return mask >= 0 && table.satisfies(slot, mask);
}

describe.each(
  specs.map((spec) => [typeof spec === 'string' ? spec : `${spec.name} (bounded load)`, spec] as const),
)('%s', (_label, spec) => {
  it('only picks eligible agents (available, below limit, capable), and finds one whenever one exists', () => {
    fc.assert(
      fc.property(
        fc.array(agentArb, { minLength: 1, maxLength: 8 }),
        fc.array(opArb, { maxLength: 150 }),
        fc.nat(),
        (agents, ops, seed) => {
          const table = new AgentTable();
          const strategy = createStrategy(spec, table, createRng(seed));
          let nextId = 0;
          const add = ({ weight, ...agent }: AgentInput): void => {
            table.add({ id: `agent-${nextId++}`, ...agent, ...(weight === undefined ? {} : { weight }) });
          };
          agents.forEach(add);
          const assigned: number[] = [];
          const request: PickRequest = { requiredMask: 0, affinityKey: undefined, nowMs: 0 };
          const slots = (): number[] =>
            Array.from({ length: table.slotBound }, (_, s) => s).filter((s) => table.has(s));
          for (const op of ops) {
            request.nowMs += 1;
            switch (op.kind) {
              case 'pick': {
                const mask = table.requirementMask(op.required);
                const anyEligible = slots().some((s) => eligible(table, s, op.required));
                if (mask < 0) {
                  expect(anyEligible).toBe(false);
                  break;
                }
                request.requiredMask = mask;
                request.affinityKey = op.key === undefined ? undefined : `key-${op.key}`;
                const slot = strategy.pick(request);
                if (slot === NO_AGENT) {
                  expect(anyEligible).toBe(false);
                } else {
                  expect(eligible(table, slot, op.required)).toBe(true);
                  table.assign(slot);
                  assigned.push(slot);
                  expect(table.loadOf(slot)).toBeLessThanOrEqual(table.limitOf(slot));
                }
                break;
              }
              case 'release': {
                if (assigned.length === 0) break;
                const [slot] = assigned.splice(op.pick % assigned.length, 1);
                table.release(slot as number);
                break;
              }
              case 'flag': {
                const live = slots();
                if (live.length > 0)
                  table.setFlag(live[op.pick % live.length] as number, op.flag as AgentFlag, op.on);
                break;
              }
              case 'add':
                add(op.agent);
                break;
              case 'remove-idle': {
                const idle = slots().filter((s) => table.loadOf(s) === 0);
                if (idle.length > 0) table.remove(idle[op.pick % idle.length] as number);
                break;
              }
              case 'latency': {
                const live = slots();
                if (live.length > 0)
                  table.recordLatency(live[op.pick % live.length] as number, op.latencyMs, request.nowMs);
                break;
              }
            }
            // The table's running totals against a recount from scratch.
            const ready = slots().filter((s) => table.flagsOf(s) === 0);
            expect(table.readyCount).toBe(ready.length);
            expect(table.readyLoad).toBe(ready.reduce((sum, s) => sum + table.loadOf(s), 0));
            expect(table.readyCapacity).toBe(ready.reduce((sum, s) => sum + table.capacityOf(s), 0));
            expect(table.availableCount).toBe(slots().filter((s) => eligible(table, s, [])).length);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
