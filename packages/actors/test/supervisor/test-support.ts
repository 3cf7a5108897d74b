/** Lets every pending promise reaction run (XState relays promise-actor results through microtasks). */
export function flushMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
