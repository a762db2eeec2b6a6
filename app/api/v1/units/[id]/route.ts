import { NextResponse } from 'next/server';
import { idOrNotFound } from '@/lib/http/ids';
import { jsonBody, withActor } from '@/lib/http/route';
import { requestUnitScale } from '@/lib/unit-groups/scale-unit';

export const dynamic = 'force-dynamic';

// PATCH /api/v1/units/:id – change the unit's node count { numNodes } → 202 { buildId }
export const PATCH = withActor<{ id: string }>(
  async ({ req, actor, params, meta, db }) => NextResponse.json(await requestUnitScale(db, actor, idOrNotFound(params.id, 'unit'), await jsonBody(req), meta), { status: 202 }),
  { audit: 'unit.scale' },
);
