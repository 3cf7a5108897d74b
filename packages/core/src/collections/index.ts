export { IndexedMinHeap } from './indexed-heap.js';
export { CalendarQueue } from './calendar-queue.js';
export { SlotAllocator } from './slot-allocator.js';
export { HierarchicalBitset } from './hierarchical-bitset.js';
export { FenwickTree } from './fenwick-tree.js';
