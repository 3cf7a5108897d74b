import { randomInt } from 'node:crypto';

/**
 * A fresh seed for callers that did not pass one. The only place in the libraries allowed to use an
 * unseeded source; whoever calls it should print or record the seed so the run can be replayed.
 */
export function defaultSeed(): number {
  return randomInt(0, 2 ** 47);
}
