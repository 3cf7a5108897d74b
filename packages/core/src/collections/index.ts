export { IndexedMinHeap } from './indexed-heap.js';
export { SlotAllocator } from './slot-allocator.js';
