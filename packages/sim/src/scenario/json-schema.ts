import { z } from 'zod';
import { scenarioSchema } from './schema.js';

/** Where the generated schema is committed, relative to the `@flotilla/sim` package directory. */
export const SCENARIO_SCHEMA_FILE = 'scenario.schema.json';

/**
 * The JSON Schema of scenario files, generated from the zod schema (the input side: fields with defaults
 * are optional and show their default). Draft-07, which every YAML editor plugin understands. Point an
 * editor at the committed copy with a first line like
 * `# yaml-language-server: $schema=../../packages/sim/scenario.schema.json`.
 *
 * @example
 * ```ts
 * const schema = scenarioJsonSchema();
 * schema.title; // "Flotilla scenario"
 * ```
 */
export function scenarioJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(scenarioSchema, { io: 'input', target: 'draft-07' });
  // The payload carries a non-JSON `~standard` member on some zod versions: keep only what JSON holds.
  return JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;
}

/**
 * The text of the committed schema file: {@link scenarioJsonSchema} as two-space JSON with a final
 * newline (run prettier over it afterwards; the test compares parsed JSON, not bytes).
 *
 * @example
 * ```ts
 * writeFileSync('packages/sim/scenario.schema.json', scenarioJsonSchemaText());
 * ```
 */
export function scenarioJsonSchemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}
