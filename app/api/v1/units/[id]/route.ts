import { NextResponse } from 'next/server';
import { idOrNotFound } from '@/lib/http/ids';
import { jsonBody, withActor } from '@/lib/http/route';
import { changeByHand } from '@/lib/schedules/manual-change';
import { requestUnitScale } from '@/lib/unit-groups/scale-unit';

export const dynamic = 'force-dynamic';

// PATCH /api/v1/units/:id – change the unit's node count { numNodes, pauseSchedule? } → 202 { buildId }
// (409 asking for pauseSchedule when the unit follows an active class schedule: lib/schedules/manual-change.ts)
export const PATCH = withActor<{ id: string }>(
  async ({ req, actor, params, meta, db }) => {
    const unitId = idOrNotFound(params.id, 'unit');
    return NextResponse.json(await changeByHand(db, actor, { unitId }, await jsonBody(req), (input) => requestUnitScale(db, actor, unitId, input, meta), meta), { status: 202 });
  },
  { audit: 'unit.scale' },
);
