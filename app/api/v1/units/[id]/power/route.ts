import { NextResponse } from 'next/server';
import { idOrNotFound } from '@/lib/http/ids';
import { jsonBody, withActor } from '@/lib/http/route';
import { requestPower } from '@/lib/nodes/power-many';
import { changeByHand } from '@/lib/schedules/manual-change';

export const dynamic = 'force-dynamic';

// POST /api/v1/units/:id/power { action: "off" | "on", pauseSchedule? (lib/schedules/manual-change.ts) } → 202 { buildId }: the unit's nodes powered off or on, as a build with its log
export const POST = withActor<{ id: string }>(
  async ({ req, actor, params, meta, db }) => {
    const scope = { unitId: idOrNotFound(params.id, 'unit') };
    return NextResponse.json(await changeByHand(db, actor, scope, await jsonBody(req), (input) => requestPower(db, actor, scope, input, meta), meta), { status: 202 });
  },
  { audit: 'unit.power' },
);
