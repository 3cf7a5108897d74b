import { writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SCENARIO_SCHEMA_FILE, scenarioJsonSchemaText } from './json-schema.js';

/**
 * Writes `packages/sim/scenario.schema.json` from the zod schema. After `pnpm build`:
 * `node packages/sim/dist/scenario/generate-schema.js`, then `prettier --write packages/sim/scenario.schema.json`.
 * The test `scenario/json-schema.test.ts` fails while the committed file is out of date.
 *
 * @example
 * ```ts
 * writeScenarioSchema(); // the path written
 * ```
 */
export function writeScenarioSchema(
  path = fileURLToPath(new URL(`../../${SCENARIO_SCHEMA_FILE}`, import.meta.url)),
): string {
  writeFileSync(path, scenarioJsonSchemaText());
  return path;
}

// Run as a script (not when imported): dist/scenario/ → the package directory is two levels up.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(`wrote ${writeScenarioSchema()}`);
}
