import { runPrimitivesFloor, type FloorModel } from './primitives-floor.js';

/**
 * The primitives floor in a process of its own: `node primitives-floor-main.js '<FloorModel JSON>'` prints
 * `{"tasksPerSec": n}`. Why a process: the floor and `simulate` share the core primitives (the clock and
 * its calendar queue, the streams, the histograms), and run in one isolate each left the other's call
 * sites with mixed type feedback — measured in one process, Flotilla fell from about 900k to 620k tasks/s
 * and the floor from 2.3M to 1.5M once both had run. Measured warm, as Flotilla is: one untimed run first.
 */
function main(): void {
  const model = JSON.parse(process.argv[2] ?? '') as FloorModel;
  const now = (): number => performance.now();
  runPrimitivesFloor(model, now);
  process.stdout.write(`${JSON.stringify({ tasksPerSec: runPrimitivesFloor(model, now) })}\n`);
}

main();
