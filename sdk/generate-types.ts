import openapiTS, { astToString } from 'openapi-typescript';
import { apiDocument } from '@/lib/api/document';

const HEADER = '// Made by `npm run sdk:types` from the portal\'s OpenAPI document: do not edit.\n';

/** The SDK's types of every route, as openapi-typescript writes them from the document. */
export async function sdkTypes(): Promise<string> {
  const ast = await openapiTS(apiDocument() as unknown as Parameters<typeof openapiTS>[0]);
  return HEADER + astToString(ast);
}
