export { TaskQueue, type QueueHandle, type EnqueueOptions, type PushResult } from './task-queue.js';
export { OVERFLOW_POLICIES, MAX_QUEUE_DEPTH, type OverflowPolicy, type TaskQueueOptions } from './options.js';
export { FairShareTags } from './fair-share.js';
