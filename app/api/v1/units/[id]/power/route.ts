import { NextResponse } from 'next/server';
import { idOrNotFound } from '@/lib/http/ids';
import { jsonBody, withActor } from '@/lib/http/route';
import { requestPower } from '@/lib/nodes/power-many';

export const dynamic = 'force-dynamic';

// POST /api/v1/units/:id/power { action: "off" | "on" } → 202 { buildId }: the unit's nodes powered off or on, as a build with its log
export const POST = withActor<{ id: string }>(
  async ({ req, actor, params, meta, db }) => NextResponse.json(await requestPower(db, actor, { unitId: idOrNotFound(params.id, 'unit') }, await jsonBody(req), meta), { status: 202 }),
  { audit: 'unit.power' },
);
