import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  appendRun,
  openRunBatch,
  packCommands,
  packEvents,
  refillRunBatch,
  sealRunBatch,
  unpackDone,
  type OpenRunBatch,
} from '../../src/protocol/columnar.js';
import type { HostCommand, HostEvent } from '../../src/protocol/messages.js';

/** Back from columns to single messages, for comparison. */
function unpackCommands(packed: HostCommand[]): HostCommand[] {
  return packed.flatMap((m): HostCommand[] =>
    m.kind === 'run-batch'
      ? m.runIds.map((runId, i) => ({
          kind: 'run' as const,
          runId,
          taskId: m.taskIds[i] as string,
          agentType: m.agentType,
          payload: m.payloads[i],
          attempt: m.attempts[i] as number,
        }))
      : [m],
  );
}

const commandArb: fc.Arbitrary<HostCommand> = fc.oneof(
  fc.record({
    kind: fc.constant('run' as const),
    runId: fc.nat(),
    taskId: fc.string(),
    agentType: fc.constantFrom('a', 'b'),
    payload: fc.jsonValue(),
    attempt: fc.integer({ min: 1, max: 5 }),
  }),
  fc.record({
    kind: fc.constant('cancel' as const),
    runId: fc.nat(),
    reason: fc.constant('cancelled' as const),
  }),
);
const eventArb: fc.Arbitrary<HostEvent> = fc.oneof(
  fc.record({ kind: fc.constant('done' as const), runId: fc.nat(), value: fc.jsonValue() }),
  fc.record({
    kind: fc.constant('progress' as const),
    runId: fc.nat(),
    fraction: fc.double({ min: 0, max: 1, noNaN: true }),
  }),
);

describe('columnar batches', () => {
  it('pack and unpack commands to the same sequence, merging only adjacent runs of one type', () => {
    fc.assert(
      fc.property(fc.array(commandArb, { maxLength: 60 }), (messages) => {
        const packed = packCommands(messages);
        expect(unpackCommands(packed)).toEqual(messages);
        for (let i = 1; i < packed.length; i++) {
          const [a, b] = [packed[i - 1], packed[i]];
          if (a?.kind === 'run-batch' && b?.kind === 'run-batch') expect(a.agentType).not.toBe(b.agentType);
        }
      }),
    );
  });

  it('pack and unpack events to the same sequence', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 60 }), (messages) => {
        const unpacked = packEvents(messages).flatMap((m) => (m.kind === 'done-batch' ? unpackDone(m) : [m]));
        expect(unpacked).toEqual(messages);
      }),
    );
  });

  it('a refilled run-batch, once sealed, holds exactly its own runs, whatever the batch before held', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.nat(), { minLength: 1, maxLength: 40 }), { minLength: 1 }),
        (turns) => {
          let batch: OpenRunBatch | undefined;
          for (const runs of turns) {
            const [first, ...rest] = runs as [number, ...number[]];
            if (batch === undefined) batch = openRunBatch(first, first, 'a', { first }, 1);
            else refillRunBatch(batch, first, first, 'a', { first }, 1);
            for (const id of rest) appendRun(batch, id, id, id, 2);
            sealRunBatch(batch);
            expect(batch.runIds).toEqual(runs);
            expect(batch.taskIds).toEqual(runs);
            expect(batch.payloads).toEqual([{ first }, ...rest]);
            expect(batch.attempts).toEqual([1, ...rest.map(() => 2)]);
          }
        },
      ),
    );
  });
});
