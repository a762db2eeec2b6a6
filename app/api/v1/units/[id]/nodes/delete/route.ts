import { NextResponse } from 'next/server';
import { idOrNotFound } from '@/lib/http/ids';
import { jsonBody, withActor } from '@/lib/http/route';
import { changeByHand, withoutAnswer } from '@/lib/schedules/manual-change';
import { requestNodeDeletion } from '@/lib/unit-groups/node-selectors';

export const dynamic = 'force-dynamic';

// POST /api/v1/units/:id/nodes/delete – delete nodes (delete_nodes) chosen by one of
// { nodeNos } | { ipAddresses } | { resourceIds } | { count }, and pauseSchedule? (lib/schedules/manual-change.ts) → 202 { nodes, buildId };
// with ?dryRun=true → 200 { nodes, buildId: null }: exactly the nodes that would go, for a confirmation.
export const POST = withActor<{ id: string }>(
  async ({ req, actor, params, meta, db }) => {
    const dryRun = new URL(req.url).searchParams.get('dryRun') === 'true';
    const unitId = idOrNotFound(params.id, 'unit');
    const remove = (input: unknown) => requestNodeDeletion(db, actor, unitId, input, { dryRun, meta });
    const body = await jsonBody(req);
    // A dry run changes nothing: the class schedule's question comes with the deletion itself.
    const result = dryRun ? await remove(withoutAnswer(body)) : await changeByHand(db, actor, { unitId }, body, remove, meta);
    return NextResponse.json(result, { status: dryRun ? 200 : 202 });
  },
  { audit: 'unit.scale' },
);
