// The delegator: a fleet whose `summarize` agents are agent processes reached through RabbitMQ.
// Run it beside one or more `flotilla agent` processes (see README.md), or let main.mjs start them all.
import { createFleet, rabbitmq } from '@flotilla/actors';

const url = process.env.FLOTILLA_BROKER_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const fleet = createFleet({
  transport: rabbitmq({ url, prefix: 'flotilla-example' }),
  // No module here: agent processes serve the type. At most 200 of its tasks are out at the broker at once.
  agents: [{ type: 'summarize', capacity: 200 }],
  retry: { baseDelayMs: 200, maxDelayMs: 2_000, jitter: 'full' },
});
console.log('delegator: waiting for an agent process to serve summarize …');
await fleet.ready();

const documents = Array.from({ length: 200 }, (_, i) => ({
  text: `Document ${i}: ${'fleets of agents need routing, queues, retries and breakers '.repeat(1 + (i % 5))}`,
}));
const started = Date.now();
const handles = fleet.submitMany(
  documents.map((payload, i) => ({
    type: 'summarize',
    payload,
    priority: i % 10 === 0 ? 'high' : 'medium',
    timeoutMs: 10_000,
  })),
);
let finished = 0;
const byAgent = new Map();
await Promise.all(
  handles.map(async (handle) => {
    const { by } = await handle.result;
    byAgent.set(by, (byAgent.get(by) ?? 0) + 1);
    if (++finished % 50 === 0) console.log(`delegator: ${finished}/${handles.length} summaries`);
  }),
);
console.log(`delegator: ${finished} summaries in ${Date.now() - started} ms`);
for (const [agent, count] of byAgent) console.log(`  ${agent}: ${count} tasks`);
console.log('outcomes:', fleet.stats().outcomes);
await fleet.close();
