import { NextResponse } from 'next/server';
import { idOrNotFound } from '@/lib/http/ids';
import { jsonBody, withActor } from '@/lib/http/route';
import { requestNodeDeletion } from '@/lib/unit-groups/node-selectors';

export const dynamic = 'force-dynamic';

// POST /api/v1/units/:id/nodes/delete – delete nodes (delete_nodes) chosen by one of
// { nodeNos } | { ipAddresses } | { resourceIds } | { count } → 202 { nodes, buildId };
// with ?dryRun=true → 200 { nodes, buildId: null }: exactly the nodes that would go, for a confirmation.
export const POST = withActor<{ id: string }>(
  async ({ req, actor, params, meta, db }) => {
    const dryRun = new URL(req.url).searchParams.get('dryRun') === 'true';
    const result = await requestNodeDeletion(db, actor, idOrNotFound(params.id, 'unit'), await jsonBody(req), { dryRun, meta });
    return NextResponse.json(result, { status: dryRun ? 200 : 202 });
  },
  { audit: 'unit.scale' },
);
