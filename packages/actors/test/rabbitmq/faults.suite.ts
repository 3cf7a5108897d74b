import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createFleet, type FleetEvent } from '../../src/index.js';
import { rabbitmq } from '../../src/rabbitmq/rabbitmq-transport.js';
import { agentPath } from '../fixtures/agents.js';
import { completedBy, startAgentChild } from './agent-processes.js';
import { BROKER_URL, deleteTopology, uniquePrefix } from './broker.js';

const TASKS = 10_000;

function rabbitmqctl(...args: string[]): void {
  execFileSync('rabbitmqctl', args, { stdio: 'ignore', timeout: 60_000 });
}

/** Without blocking this process's event loop: the delegator must go on working while the broker is cut. */
async function rabbitmqctlAsync(...args: string[]): Promise<void> {
  await promisify(execFile)('rabbitmqctl', args, { timeout: 60_000 });
}

function hasRabbitmqctl(): boolean {
  try {
    rabbitmqctl('version');
    return true;
  } catch {
    if (process.env.CI === 'true')
      throw new Error('CI=true but rabbitmqctl cannot run: the fault tests need it');
    console.warn('\n!!! SKIPPING the RabbitMQ fault tests: rabbitmqctl cannot run here.\n');
    return false;
  }
}

const until = async (predicate: () => boolean, what: string, limitMs = 60_000): Promise<void> => {
  for (let waited = 0; !predicate(); waited += 20) {
    if (waited > limitMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

export function faultsOnBroker(): void {
  describe.skipIf(!hasRabbitmqctl())('faults on the real broker', () => {
    const prefix = uniquePrefix();
    afterAll(async () => deleteTopology(prefix, ['sleep']));

    it(
      `${TASKS} tasks in flight over two agent processes survive a cut connection and a broker restart: ` +
        'one outcome each, never two completed results',
      async () => {
        const fleet = createFleet({
          transport: rabbitmq({ url: BROKER_URL, prefix }),
          agents: [{ type: 'sleep', capacity: TASKS }], // every task goes out to the broker at once
          retry: { baseDelayMs: 100, maxDelayMs: 1_000, jitter: 'full' },
        });
        const events: FleetEvent[] = [];
        fleet.on('event', (e) => events.push(e));
        const args = [
          '--module',
          agentPath('sleep'),
          '--type',
          'sleep',
          '--capacity',
          '100',
          '--queue-limit',
          '100',
        ];
        const agents = [await startAgentChild(prefix, args), await startAgentChild(prefix, args)];
        await fleet.ready();
        const handles = Array.from({ length: TASKS }, (_, i) =>
          fleet.submit({ type: 'sleep', payload: { ms: 200, value: i }, maxAttempts: 10, timeoutMs: 30_000 }),
        );
        const results = new Map<string, unknown[]>();
        let settled = 0;
        const all = Promise.all(
          handles.map((h) =>
            h.result.then(
              (value) => {
                settled++;
                results.set(h.id, [...(results.get(h.id) ?? []), value]);
              },
              () => settled++,
            ),
          ),
        );

        // About 20 s of work (100 handlers, 200 ms each): rabbitmqctl alone takes seconds to boot, and
        // both faults must land while most of the work is in flight.
        await until(() => settled >= TASKS / 20, 'a twentieth of the tasks');
        await rabbitmqctlAsync('close_all_connections', 'flotilla fault test');
        const settledAtCut = settled;
        // Progress after the cut: everyone reconnected and resubscribed on their own.
        await until(() => settled >= settledAtCut + TASKS / 20, 'progress after the cut');
        let settledAtRestart = TASKS;
        try {
          await rabbitmqctlAsync('stop_app');
          settledAtRestart = settled;
        } finally {
          rabbitmqctl('start_app'); // whatever happens, leave the broker running for whoever comes next
          rabbitmqctl('await_startup');
        }
        await all;
        // Both faults hit work in flight.
        expect(settledAtCut).toBeLessThan(TASKS);
        expect(settledAtRestart).toBeLessThan(TASKS);

        // Exactly one outcome per task, on the event stream and in the counters.
        const outcomes = events.filter((e) => e.kind === 'task');
        expect(outcomes).toHaveLength(TASKS);
        expect(new Set(outcomes.map((e) => (e.kind === 'task' ? e.taskId : ''))).size).toBe(TASKS);
        const counts = fleet.stats().outcomes;
        expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(TASKS);
        // Every task completed, with its own value, once.
        expect(counts.completed).toBe(TASKS);
        handles.forEach((h, i) => expect(results.get(h.id)).toEqual([i]));
        await fleet.close();
        expect(await Promise.all(agents.map((a) => a.stop()))).toEqual([0, 0]);
        // Handlers may have run more than once (redelivery after the cuts); results were still counted once.
        const ran = agents.map(completedBy).reduce((a, b) => a + b, 0);
        console.log(
          `fault test: ${TASKS} tasks completed once each (${settledAtCut} settled at the cut, ${settledAtRestart} at the restart); handlers finished ${ran} times`,
        );
      },
      180_000,
    );
  });
}
