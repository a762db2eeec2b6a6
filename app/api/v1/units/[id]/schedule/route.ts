import { NextResponse } from 'next/server';
import { idOrNotFound } from '@/lib/http/ids';
import { jsonBody, withActor } from '@/lib/http/route';
import { getUnitSchedule, removeUnitSchedule, setUnitSchedule } from '@/lib/schedules/manage-schedule';

export const dynamic = 'force-dynamic';

// GET /api/v1/units/:id/schedule → { schedule | null, target, next: { at, target } | null, holidays, canPowerOff }
export const GET = withActor<{ id: string }>(async ({ actor, params, db }) => NextResponse.json(await getUnitSchedule(db, actor, idOrNotFound(params.id, 'unit'))));

// PUT /api/v1/units/:id/schedule – the unit's class schedule, replacing any:
// { timezone?, startsOn, endsOn, periods: [{ weekday, start, end, nodes }], exceptions?: [{ date, kind: "noClass" | "extra", periods?, note? }],
//   skipHolidays?, outsideClass?: "powerOff" | "delete", nodesOutsideClass?, warmUpMinutes?, drainMinutes? } → the same as GET
export const PUT = withActor<{ id: string }>(
  async ({ req, actor, params, meta, db }) => NextResponse.json(await setUnitSchedule(db, actor, idOrNotFound(params.id, 'unit'), await jsonBody(req), meta)),
  { audit: 'unit.schedule' },
);

// DELETE /api/v1/units/:id/schedule – no more schedule; the unit stays as it is → 204
export const DELETE = withActor<{ id: string }>(
  async ({ actor, params, meta, db }) => {
    await removeUnitSchedule(db, actor, idOrNotFound(params.id, 'unit'), meta);
    return new Response(null, { status: 204 });
  },
  { audit: 'unit.scheduleRemove' },
);
