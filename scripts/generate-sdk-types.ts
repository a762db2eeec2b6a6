// Writes the TypeScript SDK's API types (sdk/src/openapi.ts) from the OpenAPI document the portal
// serves: `npm run sdk:types` after changing a route's contract (sdk/openapi-types.test.ts fails
// while they differ).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { sdkTypes } from '../sdk/generate-types';

const file = path.join(import.meta.dirname, '..', 'sdk', 'src', 'openapi.ts');
writeFileSync(file, await sdkTypes());
console.log(`wrote ${path.relative(process.cwd(), file)}`);
