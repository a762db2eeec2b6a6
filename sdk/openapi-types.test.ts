import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sdkTypes } from './generate-types';

describe('the SDK\'s API types', () => {
  it('are those of the OpenAPI document the portal serves (npm run sdk:types writes them)', async () => {
    const committed = readFileSync(path.join(import.meta.dirname, 'src', 'openapi.ts'), 'utf8');
    expect(committed === (await sdkTypes()), 'sdk/src/openapi.ts is stale: run npm run sdk:types').toBe(true);
  });
});
