/**
 * MurmurHash3 (x86, 32-bit) of a string's UTF-16 code units: fast, well mixed, and the same on every
 * platform, so an affinity key lands on the same agent in the runtime, the simulator and across machines.
 *
 * @example
 * ```ts
 * murmur3('session-42'); // a stable unsigned 32-bit integer
 * ```
 */
export function murmur3(key: string, seed = 0): number {
  let h = seed | 0;
  const length = key.length;
  const blocks = length & ~1;
  // Two UTF-16 code units per 32-bit block.
  for (let i = 0; i < blocks; i += 2) {
    let k = (key.charCodeAt(i) & 0xffff) | ((key.charCodeAt(i + 1) & 0xffff) << 16);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  if (length & 1) {
    let k = key.charCodeAt(length - 1) & 0xffff;
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
  }
  h ^= length * 2;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
