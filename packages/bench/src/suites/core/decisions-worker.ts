import { parentPort, workerData } from 'node:worker_threads';
import type { StrategyName } from '@flotilla/core';
import { measureDecisions } from './decisions.js';

// Each strategy runs in a fresh isolate: JIT feedback gathered on one strategy (e.g. the agent table's
// listener call sites going megamorphic) must not slow the next one down.
const { strategy, agentCounts } = workerData as { strategy: StrategyName; agentCounts: number[] };
parentPort?.postMessage(measureDecisions(strategy, agentCounts));
