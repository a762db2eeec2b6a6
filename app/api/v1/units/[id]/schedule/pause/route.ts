import { NextResponse } from 'next/server';
import { idOrNotFound } from '@/lib/http/ids';
import { withActor } from '@/lib/http/route';
import { pauseUnitSchedule } from '@/lib/schedules/manage-schedule';

export const dynamic = 'force-dynamic';

// POST /api/v1/units/:id/schedule/pause – the schedule changes nothing until resumed → the same as GET /units/:id/schedule
export const POST = withActor<{ id: string }>(async ({ actor, params, meta, db }) => NextResponse.json(await pauseUnitSchedule(db, actor, idOrNotFound(params.id, 'unit'), meta)), {
  audit: 'unit.schedulePause',
});
