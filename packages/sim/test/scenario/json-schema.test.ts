import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  SCENARIO_SCHEMA_FILE,
  scenarioJsonSchema,
  scenarioJsonSchemaText,
} from '../../src/scenario/index.js';

const schemaPath = fileURLToPath(new URL(`../../${SCENARIO_SCHEMA_FILE}`, import.meta.url));

/**
 * Regenerate with `FLOTILLA_UPDATE_SCHEMA=1 npx pnpm@10.34.8 exec vitest run packages/sim/test/scenario/json-schema.test.ts`
 * (or, after a build, `node packages/sim/dist/scenario/generate-schema.js` and prettier).
 */
const update = process.env['FLOTILLA_UPDATE_SCHEMA'] === '1';

describe('scenario.schema.json', () => {
  it.runIf(update)('is regenerated on request', async () => {
    const prettier = await import('prettier');
    const config = (await prettier.resolveConfig(schemaPath)) ?? {};
    writeFileSync(
      schemaPath,
      await prettier.format(scenarioJsonSchemaText(), { ...config, filepath: schemaPath }),
    );
  });

  it('matches the zod schema (regenerate it when this fails; see the comment above)', () => {
    const committed: unknown = JSON.parse(readFileSync(schemaPath, 'utf8'));
    expect(committed).toEqual(scenarioJsonSchema());
  });

  it('is a draft-07 schema that rejects unknown keys and lists the choices editors complete', () => {
    const schema = scenarioJsonSchema() as {
      $schema: string;
      title: string;
      additionalProperties: boolean;
      required: string[];
      properties: Record<string, { default?: unknown; anyOf?: { enum?: string[] }[] }>;
      definitions: Record<string, unknown>;
    };
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.title).toBe('Flotilla scenario');
    expect(schema.additionalProperties).toBe(false);
    // Fields with defaults are optional in the file: only these must be written.
    expect(schema.required.sort()).toEqual(['agents', 'stop', 'workload']);
    expect(schema.properties['seed']?.default).toBe(1);
    expect(schema.properties['strategy']?.anyOf?.[0]?.enum).toContain('power-of-two');
    expect(Object.keys(schema.definitions)).toEqual(['Distribution']);
  });
});
