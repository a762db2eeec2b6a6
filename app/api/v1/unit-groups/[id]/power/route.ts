import { NextResponse } from 'next/server';
import { idOrNotFound } from '@/lib/http/ids';
import { jsonBody, withActor } from '@/lib/http/route';
import { requestPower } from '@/lib/nodes/power-many';

export const dynamic = 'force-dynamic';

// POST /api/v1/unit-groups/:id/power { action: "off" | "on" } → 202 { buildId }: every node that can be, as a build with its log
export const POST = withActor<{ id: string }>(
  async ({ req, actor, params, meta, db }) => NextResponse.json(await requestPower(db, actor, { unitGroupId: idOrNotFound(params.id, 'unit group') }, await jsonBody(req), meta), { status: 202 }),
  { audit: 'unitGroup.power' },
);
