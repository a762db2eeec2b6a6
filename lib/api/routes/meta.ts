// The API's own root: what a script or the SDK reads first to find the document and the clients.
import { z } from 'zod';
import { defineRoute } from '@/lib/api/contract';

export const ZApiRoot = z
  .object({
    api: z.literal('v1'),
    openapi: z.string().describe('This API\'s OpenAPI 3.1 document.'),
    reference: z.string().describe('The rendered reference page.'),
    pythonClient: z.string().describe('The Python client with the VCP SDK\'s names (one module, standard library only).'),
  })
  .meta({ id: 'ApiRoot' });

export const metaRoutes = {
  getApiRoot: defineRoute({
    method: 'GET',
    path: '/api/v1',
    operationId: 'getApiRoot',
    tag: 'API',
    summary: 'Where this API describes itself: its document, reference page and clients',
    summaryJa: 'この API の案内: OpenAPI 文書、リファレンスページ、クライアントの場所',
    description: 'Answers without a token and never changes while the portal runs: a script can check that it reaches the portal.',
    access: 'public',
    status: 200,
    output: ZApiRoot,
  }),
};
