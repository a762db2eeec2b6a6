import { NextResponse } from 'next/server';
import { idOrNotFound } from '@/lib/http/ids';
import { jsonBody, withActor } from '@/lib/http/route';
import { changeByHand } from '@/lib/schedules/manual-change';
import { requestNodeAddition } from '@/lib/unit-groups/node-selectors';

export const dynamic = 'force-dynamic';

// POST /api/v1/units/:id/nodes – add nodes (add_nodes): { count } or { ipAddresses }, and pauseSchedule? (lib/schedules/manual-change.ts) → 202 { buildId }
export const POST = withActor<{ id: string }>(
  async ({ req, actor, params, meta, db }) => {
    const unitId = idOrNotFound(params.id, 'unit');
    return NextResponse.json(await changeByHand(db, actor, { unitId }, await jsonBody(req), (input) => requestNodeAddition(db, actor, unitId, input, meta), meta), { status: 202 });
  },
  { audit: 'unit.scale' },
);
