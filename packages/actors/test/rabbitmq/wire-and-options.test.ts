import { describe, expect, it } from 'vitest';
import { connectionOptions, redactText, redactUrl } from '../../src/rabbitmq/connection-options.js';
import { resolveTopology, workQueueDeclaration } from '../../src/rabbitmq/topology.js';
import { decode, decodeTasks, encode, runIdsOf, WIRE_VERSION } from '../../src/rabbitmq/wire.js';
import { CancelledRuns } from '../../src/rabbitmq/cancelled-runs.js';
import { createFleet } from '../../src/index.js';
import { rabbitmq } from '../../src/rabbitmq/rabbitmq-transport.js';

describe('broker URL and credentials', () => {
  it('never prints a password', () => {
    expect(redactUrl('amqp://alice:s3cr%40t@broker:5672/prod')).toBe('amqp://alice:***@broker:5672/prod');
    expect(redactUrl('amqps://broker')).toBe('amqps://broker');
    const url = 'amqp://alice:s3cr%40t@broker:5672';
    expect(redactText(`connect ECONNREFUSED ${url} (password s3cr@t)`, url)).toBe(
      'connect ECONNREFUSED amqp://alice:***@broker:5672 (password ***)',
    );
  });

  it('takes credentials from the URL, else from the environment, and TLS from amqps://', () => {
    expect(connectionOptions({ url: 'amqp://alice:pw@h:1234/v' }, {}).client).toMatchObject({
      hostname: 'h',
      port: 1234,
      vhost: 'v',
      username: 'alice',
      password: 'pw',
    });
    const fromEnv = connectionOptions(
      {},
      { FLOTILLA_BROKER_URL: 'amqps://h', FLOTILLA_BROKER_USER: 'bob', FLOTILLA_BROKER_PASSWORD: 'x' },
    );
    expect(fromEnv.client).toMatchObject({
      hostname: 'h',
      port: 5671,
      vhost: '/',
      username: 'bob',
      password: 'x',
      tls: true,
    });
    expect(connectionOptions({ url: 'amqps://h', tls: { servername: 'b' } }, {}).client.tls).toEqual({
      servername: 'b',
    });
  });

  it('refuses a URL that is not amqp(s), naming the field without the password', () => {
    expect(() => connectionOptions({ url: 'http://u:pw@h' }, {})).toThrow(/url.*http:\/\/u:\*\*\*@h/);
    expect(() => connectionOptions({ url: 'http://u:pw@h' }, {})).not.toThrow(/pw/);
  });
});

describe('topology', () => {
  it('declares classic work queues with priorities, a reject-publish bound and the dead-letter exchange', () => {
    const declaration = workQueueDeclaration(resolveTopology({ maxQueueLength: 7 }), 'summarize');
    expect(declaration.queue).toEqual({
      queue: 'flotilla.tasks.summarize',
      durable: true,
      arguments: {
        'x-max-length': 7,
        'x-overflow': 'reject-publish',
        'x-dead-letter-exchange': 'flotilla.dead-letter',
        'x-queue-type': 'classic',
        'x-max-priority': 3,
      },
    });
    expect(declaration.binding).toEqual({
      queue: 'flotilla.tasks.summarize',
      exchange: 'flotilla.tasks',
      routingKey: 'summarize',
    });
  });

  it('declares quorum queues with a delivery limit as the poison bound', () => {
    const declaration = workQueueDeclaration(resolveTopology({ queueType: 'quorum', deliveryLimit: 3 }), 't');
    expect(declaration.queue.arguments).toMatchObject({ 'x-queue-type': 'quorum', 'x-delivery-limit': 3 });
    expect(declaration.queue.arguments).not.toHaveProperty('x-max-priority');
  });

  it('names the field and the value of a bad option', () => {
    expect(() => resolveTopology({ queueType: 'stream' as 'quorum' })).toThrow(/queueType.*stream/);
    expect(() => resolveTopology({ maxQueueLength: 0 })).toThrow(/maxQueueLength.*0/);
    expect(() => resolveTopology({ persistent: 'yes' as unknown as boolean })).toThrow(/persistent.*yes/);
  });
});

describe('wire', () => {
  const headers = { 'x-flotilla-v': WIRE_VERSION };

  it('round-trips what structured clone carries (dates, maps, typed arrays)', () => {
    const payload = { at: new Date(5), seen: new Map([['a', 1]]), bytes: new Uint8Array([1, 2]) };
    const bundle = { runIds: [9, 10], taskIds: ['t', 'u'], attempts: [2, 1], payloads: [payload, null] };
    expect(decodeTasks({ body: encode(bundle), headers }, 1_000)).toEqual({ ok: true, value: bundle });
  });

  it('finds the run ids of a task message handed back, from its body or else its correlation id', () => {
    const body = encode({ runIds: [3, 4], taskIds: ['a', 'b'], attempts: [1, 1], payloads: [1, 2] });
    expect(runIdsOf({ body, headers, correlationId: '3' }, 1_000)).toEqual([3, 4]);
    expect(runIdsOf({ body: Buffer.from('?'), headers, correlationId: '7' }, 1_000)).toEqual([7]);
    expect(runIdsOf({ body: Buffer.from('?'), headers }, 1_000)).toEqual([]);
  });

  it('classifies poison: another version, too large, unparseable, not a task', () => {
    const body = encode({ runIds: [1], taskIds: ['t'], attempts: [1], payloads: ['x'.repeat(100)] });
    expect(decode({ body, headers: { 'x-flotilla-v': 1 } }, 1_000)).toMatchObject({
      ok: false,
      reason: 'unknown-protocol-version',
    });
    expect(decode({ body, headers }, 10)).toMatchObject({ ok: false, reason: 'too-large' });
    expect(decode({ body: Buffer.from('{json'), headers }, 1_000)).toMatchObject({
      ok: false,
      reason: 'unparseable',
    });
    expect(decode({ body: 'text', headers }, 1_000)).toMatchObject({ ok: false, reason: 'unparseable' });
    const notTasks = [
      { nope: 1 },
      { runIds: [], taskIds: [], attempts: [], payloads: [] },
      { runIds: [1, 2], taskIds: ['a'], attempts: [1, 1], payloads: [0, 0] },
      { runIds: [1.5], taskIds: ['a'], attempts: [1], payloads: [0] },
      { runIds: [1], taskIds: [7], attempts: [1], payloads: [0] },
    ];
    for (const notTask of notTasks)
      expect(decodeTasks({ body: encode(notTask), headers }, 1_000)).toMatchObject({
        ok: false,
        reason: 'not-a-task',
      });
  });

  it('remembers a bounded number of cancelled runs, forgetting the oldest', () => {
    const cancelled = new CancelledRuns(2);
    cancelled.add('d', 1);
    cancelled.add('d', 2);
    cancelled.add('e', 1);
    expect([cancelled.has('d', 1), cancelled.has('d', 2), cancelled.has('e', 1)]).toEqual([
      false,
      true,
      true,
    ]);
  });
});

describe('a fleet whose broker cannot be reached', () => {
  it('rejects ready() with a redacted error, settles what was submitted, and closes', async () => {
    const fleet = createFleet({
      transport: rabbitmq({ url: 'amqp://alice:hunter2@127.0.0.1:1', connectTimeoutMs: 500 }),
      agents: [{ type: 'remote', capacity: 10 }],
    });
    const handle = fleet.submit({ type: 'remote', payload: 1 });
    const error = await fleet.ready().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'FLOTILLA_BROKER_UNAVAILABLE' });
    expect(String((error as Error).message)).not.toContain('hunter2');
    await expect(handle.result).rejects.toMatchObject({
      outcome: { kind: 'rejected', reason: 'shutting-down' },
    });
    await fleet.close();
    expect(fleet.stats().outcomes.rejected).toBe(1);
  });
});
