import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { Connection } from 'rabbitmq-client';
import { createFleet, type FleetEvent } from '../../src/index.js';
import { rabbitmq } from '../../src/rabbitmq/rabbitmq-transport.js';
import { startAgentProcess } from '../../src/rabbitmq/agent-process.js';
import { resolveTopology, workQueueName } from '../../src/rabbitmq/topology.js';
import { versionHeaders } from '../../src/rabbitmq/wire.js';
import { agentPath } from '../fixtures/agents.js';
import { completedBy, startAgentChild } from './agent-processes.js';
import { BROKER_URL, deleteTopology, uniquePrefix } from './broker.js';

const prefixes: string[] = [];
const fresh = (): string => {
  const prefix = uniquePrefix();
  prefixes.push(prefix);
  return prefix;
};

export function fleetOnBroker(): void {
  describe('createFleet over RabbitMQ, with `flotilla agent` processes', () => {
    afterAll(async () => {
      for (const prefix of prefixes) await deleteTopology(prefix, ['echo', 'sleep', 'nobody']);
    });

    it('runs tasks on two agent processes, waits for them in ready(), and drains them on SIGTERM', async () => {
      const prefix = fresh();
      const fleet = createFleet({
        transport: rabbitmq({ url: BROKER_URL, prefix }),
        agents: [{ type: 'echo', capacity: 500 }],
      });
      let ready = false;
      const readyPromise = fleet.ready().then(() => (ready = true));
      await new Promise((r) => setTimeout(r, 300));
      expect(ready).toBe(false); // no agent process serves echo yet
      const args = ['--module', agentPath('echo'), '--type', 'echo', '--capacity', '8', '--queue-limit', '8'];
      const agents = [await startAgentChild(prefix, args), await startAgentChild(prefix, args)];
      await readyPromise;
      const handles = Array.from({ length: 2_000 }, (_, i) =>
        fleet.submit({ type: 'echo', payload: { i, at: new Date(i) } }),
      );
      const results = await Promise.all(handles.map((h) => h.result));
      results.forEach((result, i) => expect(result).toEqual({ i, at: new Date(i) })); // structured clone survives
      await fleet.close();
      expect(await Promise.all(agents.map((a) => a.stop()))).toEqual([0, 0]);
      const perAgent = agents.map(completedBy);
      expect(perAgent[0]! + perAgent[1]!).toBe(2_000);
      expect(Math.min(...perAgent)).toBeGreaterThan(0); // the broker spread the work over both
    });

    it('runs at most `capacity` tasks at once when several travel in one message, and drain hands back what had not started', async () => {
      const prefix = fresh();
      const fleet = createFleet({
        transport: rabbitmq({ url: BROKER_URL, prefix, maxTasksPerMessage: 8 }),
        agents: [{ type: 'sleep', capacity: 1_000 }],
      });
      let running = 0;
      let peak = 0;
      const handler = async (payload: unknown) => {
        peak = Math.max(peak, ++running);
        await new Promise((r) => setTimeout(r, (payload as { ms: number }).ms));
        running--;
        return 'slept';
      };
      // Capacity 2, queue limit 1: three messages of up to eight tasks each held at once.
      const first = await startAgentProcess({
        url: BROKER_URL,
        prefix,
        agents: [{ type: 'sleep', handler, capacity: 2, queueLimit: 1 }],
      });
      await fleet.ready();
      const handles = Array.from({ length: 64 }, () => fleet.submit({ type: 'sleep', payload: { ms: 20 } }));
      await new Promise((r) => setTimeout(r, 100));
      await first.drain(); // finishes what started; hands back the messages none of whose tasks had started
      expect(peak).toBe(2);
      const finishedFirst = first.stats.completed;
      expect(finishedFirst).toBeGreaterThan(0);
      expect(finishedFirst).toBeLessThan(64);
      const second = await startAgentProcess({
        url: BROKER_URL,
        prefix,
        agents: [{ type: 'sleep', handler, capacity: 4 }],
      });
      expect(await Promise.all(handles.map((h) => h.result))).toEqual(handles.map(() => 'slept'));
      expect(second.stats.completed).toBe(64 - finishedFirst); // nothing ran twice
      expect(peak).toBeLessThanOrEqual(4);
      await fleet.close();
      await second.drain();
    });

    it('drains one agent process and sets the capacity of another over the control exchange', async () => {
      const prefix = fresh();
      const broker = rabbitmq({ url: BROKER_URL, prefix });
      const fleet = createFleet({ transport: broker, agents: [{ type: 'sleep', capacity: 1_000 }] });
      const running = { a: 0, b: 0 };
      const peak = { a: 0, b: 0 };
      const sleeper = (host: 'a' | 'b') => async (payload: unknown) => {
        peak[host] = Math.max(peak[host], ++running[host]);
        await new Promise((r) => setTimeout(r, (payload as { ms: number }).ms));
        running[host]--;
        return 'slept';
      };
      const start = (host: 'a' | 'b') =>
        startAgentProcess({
          url: BROKER_URL,
          prefix,
          hostId: host,
          agents: [{ type: 'sleep', handler: sleeper(host) }],
        });
      const [a, b] = [await start('a'), await start('b')];
      await fleet.ready();
      const announced = () =>
        broker
          .agentProcesses()
          .map((p) => p.hostId)
          .sort();
      await until(() => announced().length === 2);
      expect(broker.agentProcesses()).toEqual(
        expect.arrayContaining([
          { hostId: 'a', agentTypes: ['sleep'] },
          { hostId: 'b', agentTypes: ['sleep'] },
        ]),
      );
      expect(() => broker.drainAgentProcess('c')).toThrow(
        /^hostId must name an agent process that announced itself to this delegator, got "c"$/,
      );
      expect(() => broker.setAgentCapacity('sleep', 0)).toThrow(/^capacity must be/);

      await broker.setAgentCapacity('sleep', 3, { hostId: 'b' });
      await new Promise((r) => setTimeout(r, 300)); // b reopens its consumer with the new prefetch
      const batch = (n: number) =>
        Promise.all(
          Array.from({ length: n }, () => fleet.submit({ type: 'sleep', payload: { ms: 30 } }).result),
        );
      expect(await batch(40)).toEqual(Array.from({ length: 40 }, () => 'slept'));
      expect(peak).toEqual({ a: 1, b: 3 });

      await broker.drainAgentProcess('a');
      await a.drained; // as SIGTERM would: finished, handed back, disconnected
      await until(() => announced().join() === 'b');
      const finishedByA = a.stats.completed;
      expect(await batch(20)).toEqual(Array.from({ length: 20 }, () => 'slept'));
      expect(a.stats.completed).toBe(finishedByA);
      expect(a.stats.completed + b.stats.completed).toBe(60);
      await fleet.close();
      await b.drain();
    });

    it('answers a cancel for a task waiting behind its siblings at once, without running it', async () => {
      const prefix = fresh();
      const fleet = createFleet({
        transport: rabbitmq({ url: BROKER_URL, prefix }),
        agents: [{ type: 'sleep', capacity: 10 }],
      });
      const ran: number[] = [];
      let firstDone = false;
      const agent = await startAgentProcess({
        url: BROKER_URL,
        prefix,
        agents: [
          {
            type: 'sleep',
            capacity: 1,
            handler: async (payload) => {
              const { i, ms } = payload as { i: number; ms: number };
              ran.push(i);
              await new Promise((r) => setTimeout(r, ms));
              if (i === 0) firstDone = true;
              return i;
            },
          },
        ],
      });
      await fleet.ready();
      // One turn, one message of four (the default); capacity 1, so 1–3 wait behind 0.
      const handles = [600, 1, 1, 1].map((ms, i) => fleet.submit({ type: 'sleep', payload: { i, ms } }));
      await until(() => ran.length === 1);
      fleet.cancel(handles[3]!.id);
      await until(() => agent.stats.failed === 1);
      expect(firstDone).toBe(false); // answered while task 0 still held the only slot
      await expect(handles[3]!.result).rejects.toThrow(/cancel/i);
      expect(await Promise.all(handles.slice(0, 3).map((h) => h.result))).toEqual([0, 1, 2]);
      expect(ran).toEqual([0, 1, 2]); // task 3 never ran
      await fleet.close();
      await agent.drain();
    });

    it('expires a task whose TTL runs out in the broker queue, and refuses past the queue bound as backpressure', async () => {
      const prefix = fresh();
      const fleet = createFleet({
        transport: rabbitmq({ url: BROKER_URL, prefix, maxQueueLength: 5 }),
        agents: [{ type: 'sleep', capacity: 1_000 }],
      });
      const agent = await startAgentChild(prefix, [
        '--module',
        agentPath('sleep'),
        '--type',
        'sleep',
        '--max-queue-length',
        '5',
      ]);
      await fleet.ready();
      // One agent, capacity 1: the first task holds it for 400 ms while the rest wait in the broker.
      const first = fleet.submit({ type: 'sleep', payload: { ms: 400 } });
      await new Promise((r) => setTimeout(r, 100));
      const expiring = fleet.submit({ type: 'sleep', payload: { ms: 1 }, ttlMs: 100 });
      // Submitted in one turn, they travel four to a message (maxTasksPerMessage's default): eight messages.
      const fillers = Array.from({ length: 30 }, () => fleet.submit({ type: 'sleep', payload: { ms: 1 } }));
      const outcomes = await Promise.all(
        [first, expiring, ...fillers].map((h) =>
          h.result.then(
            () => 'completed',
            (e: { outcome?: { kind: string; reason?: string } }) =>
              [e.outcome?.kind, e.outcome?.reason].filter(Boolean).join(':'),
          ),
        ),
      );
      expect(outcomes[0]).toBe('completed');
      expect(outcomes[1]).toBe('expired');
      const refused = outcomes.slice(2).filter((o) => o === 'rejected:backpressure').length;
      expect(refused).toBeGreaterThan(0); // five messages fit (with the expiring one), the rest were refused
      expect(refused % 4).toBe(2); // whole messages are refused: the last one holds two
      expect(outcomes.slice(2).filter((o) => o === 'completed').length).toBe(30 - refused);
      expect(fleet.stats().outcomes).toMatchObject({ expired: 1, rejected: refused });
      await fleet.close();
      await agent.stop();
    });

    it('dead-letters a poison message with its reason and keeps consuming', async () => {
      const prefix = fresh();
      const fleet = createFleet({
        transport: rabbitmq({ url: BROKER_URL, prefix }),
        agents: [{ type: 'echo', capacity: 10 }],
      });
      const agent = await startAgentChild(prefix, ['--module', agentPath('echo'), '--type', 'echo']);
      await fleet.ready();
      const topology = resolveTopology({ prefix });
      const connection = new Connection({ url: BROKER_URL });
      const publisher = connection.createPublisher({ confirm: true });
      const queue = workQueueName(topology, 'echo');
      await publisher.send(
        { routingKey: queue, headers: versionHeaders, correlationId: '1' },
        Buffer.from('{not v8'),
      );
      await publisher.send(
        { routingKey: queue, headers: { 'x-flotilla-v': 99 } },
        Buffer.from('from the future'),
      );
      await publisher.send({ routingKey: queue }, 'no version at all');
      expect(await fleet.submit({ type: 'echo', payload: 'still consuming' }).result).toBe('still consuming');
      const reasons: string[] = [];
      for (let i = 0; i < 50 && reasons.length < 3; i++) {
        const message = await connection.basicGet({ queue: topology.deadLetterQueue, noAck: true });
        if (message === undefined) await new Promise((r) => setTimeout(r, 50));
        else reasons.push(String(message.headers?.['x-flotilla-reason']));
      }
      expect(reasons).toHaveLength(3);
      expect(reasons[0]).toMatch(/^unparseable: /);
      expect(reasons[1]).toBe('unknown-protocol-version: expected 2, got 99');
      expect(reasons[2]).toBe('unknown-protocol-version: expected 2, got undefined');
      await publisher.close();
      await connection.close();
      await fleet.close();
      await agent.stop();
    });

    it('runs the two-process example as its README says', async () => {
      const main = fileURLToPath(new URL('../../../../examples/rabbitmq/main.mjs', import.meta.url));
      const { stdout, stderr } = await promisify(execFile)(process.execPath, [main], {
        env: { ...process.env, FLOTILLA_BROKER_URL: BROKER_URL },
        timeout: 60_000,
      });
      expect(stdout).toMatch(/delegator: 200 summaries in \d+ ms/);
      expect(stdout).toMatch(/completed: 200/);
      expect(stderr.match(/drained \(\d+ completed/g)).toHaveLength(2);
      expect(stderr).not.toContain('guest:guest'); // the password never reaches a log
    });

    it('refuses, with a clear error, an agent process whose queue arguments disagree with the broker', async () => {
      const prefix = fresh();
      const first = await startAgentProcess({
        url: BROKER_URL,
        prefix,
        agents: [{ type: 'echo', handler: (p) => p }],
      });
      await expect(
        startAgentProcess({
          url: BROKER_URL,
          prefix,
          maxQueueLength: 9,
          agents: [{ type: 'echo', handler: (p) => p }],
        }),
      ).rejects.toThrow(/cannot consume the echo work queue: .*PRECONDITION_FAILED.*x-max-length/);
      await first.drain();
    });

    it('runs on quorum queues, which carry the delivery limit', async () => {
      const prefix = fresh();
      const options = { url: BROKER_URL, prefix, queueType: 'quorum' as const, deliveryLimit: 3 };
      const agent = await startAgentProcess({
        ...options,
        agents: [{ type: 'echo', handler: (p) => p, capacity: 4 }],
      });
      const fleet = createFleet({ transport: rabbitmq(options), agents: [{ type: 'echo', capacity: 100 }] });
      await fleet.ready();
      const results = await Promise.all(
        Array.from(
          { length: 100 },
          (_, i) => fleet.submit({ type: 'echo', payload: i, priority: 'high' }).result,
        ),
      );
      expect(results).toEqual(Array.from({ length: 100 }, (_, i) => i));
      await fleet.close();
      await agent.drain();
    });

    it('pause(type) stops the agent processes consuming it, and resume(type) starts them again', async () => {
      const prefix = fresh();
      const fleet = createFleet({
        transport: rabbitmq({ url: BROKER_URL, prefix }),
        agents: [{ type: 'echo', capacity: 100 }],
      });
      const agents = [
        await startAgentChild(prefix, ['--module', agentPath('echo'), '--type', 'echo']),
        await startAgentChild(prefix, ['--module', agentPath('echo'), '--type', 'echo']),
      ];
      await fleet.ready();
      const connection = new Connection({ url: BROKER_URL });
      const queue = workQueueName(resolveTopology({ prefix }), 'echo');
      const consumers = async (): Promise<number> =>
        (await connection.queueDeclare({ queue, passive: true })).consumerCount;
      const until = async (want: number): Promise<void> => {
        for (let i = 0; i < 250 && (await consumers()) !== want; i++)
          await new Promise((r) => setTimeout(r, 20));
      };
      expect(await consumers()).toBe(2);
      fleet.pause('echo');
      await until(0);
      expect(await consumers()).toBe(0);
      const handle = fleet.submit({ type: 'echo', payload: 'after resume' });
      fleet.resume('echo');
      await until(2);
      expect(await consumers()).toBe(2);
      expect(await handle.result).toBe('after resume');
      await connection.close();
      await fleet.close();
      await Promise.all(agents.map((a) => a.stop()));
    });

    it('reports every task outcome once on the fleet event stream', async () => {
      const prefix = fresh();
      const fleet = createFleet({
        transport: rabbitmq({ url: BROKER_URL, prefix }),
        agents: [{ type: 'echo', capacity: 10 }],
      });
      const events: FleetEvent[] = [];
      fleet.on('event', (e) => events.push(e));
      const agent = await startAgentChild(prefix, ['--module', agentPath('echo'), '--type', 'echo']);
      await fleet.ready();
      await Promise.all(
        Array.from({ length: 50 }, (_, i) => fleet.submit({ type: 'echo', payload: i }).result),
      );
      const tasks = events.filter((e) => e.kind === 'task');
      expect(tasks).toHaveLength(50);
      expect(new Set(tasks.map((e) => (e.kind === 'task' ? e.taskId : ''))).size).toBe(50);
      await fleet.close();
      await agent.stop();
    });
  });
}

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  for (let waited = 0; !condition(); waited += 20) {
    if (waited > timeoutMs) throw new Error(`not true within ${timeoutMs} ms: ${condition.toString()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
