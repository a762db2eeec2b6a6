// The VCP SDK's get_spec (a provider's defaults for a flavor, to override before create_unit) and
// df_nodes (every node the caller may see).
import { z } from 'zod';
import { defineRoute } from '@/lib/api/contract';
import { ZNextCursor } from '@/lib/api/pagination';
import { ZNodeListItem, ZNodeListQuery } from '@/lib/nodes/list-nodes';
import { ZSpecView } from '@/lib/unit-groups/spec';

export const vcpRoutes = {
  getSpec: defineRoute({
    method: 'GET',
    path: '/api/v1/specs/{provider}/{flavor}',
    operationId: 'getSpec',
    tag: 'Unit groups',
    summary: 'A provider\'s spec for a flavor (get_spec), with the base container\'s defaults',
    summaryJa: 'プロバイダのフレーバーの spec (get_spec): ベースコンテナの既定値つき',
    access: 'signedIn',
    params: z.object({ provider: z.string().max(40), flavor: z.string().max(40) }),
    status: 200,
    output: z.object({ spec: ZSpecView }),
  }),
  listNodes: defineRoute({
    method: 'GET',
    path: '/api/v1/nodes',
    operationId: 'listNodes',
    tag: 'Nodes',
    summary: 'Nodes of every unit group the caller may see (df_nodes), newest first',
    summaryJa: '見ることのできる全ユニットグループのノード (df_nodes、新しい順)',
    access: 'signedIn',
    query: ZNodeListQuery,
    status: 200,
    output: z.object({ nodes: z.array(ZNodeListItem), nextCursor: ZNextCursor }),
  }),
};
