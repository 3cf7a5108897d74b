export { IndexedMinHeap } from './indexed-heap.js';
export { SlotAllocator } from './slot-allocator.js';
export { HierarchicalBitset } from './hierarchical-bitset.js';
export { FenwickTree } from './fenwick-tree.js';
