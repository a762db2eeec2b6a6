import { NextResponse } from 'next/server';
import { removeUnitBurst, setUnitBurst } from '@/lib/burst/policy';
import { idOrNotFound } from '@/lib/http/ids';
import { jsonBody, withActor } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

// PUT /api/v1/units/:id/burst – where the unit's nodes go once the lab's servers are full
// { provider, accountId?, flavor, maxNodes, queue?: { pendingSeconds, idleSeconds } } → { unitId, burst }
export const PUT = withActor<{ id: string }>(
  async ({ req, actor, params, meta, db }) => NextResponse.json(await setUnitBurst(db, actor, idOrNotFound(params.id, 'unit'), await jsonBody(req), meta)),
  { audit: 'unit.burst' },
);

// DELETE /api/v1/units/:id/burst – no more overflow; nodes already on the cloud stay until the unit shrinks → 204
export const DELETE = withActor<{ id: string }>(
  async ({ actor, params, meta, db }) => {
    await removeUnitBurst(db, actor, idOrNotFound(params.id, 'unit'), meta);
    return new Response(null, { status: 204 });
  },
  { audit: 'unit.burst' },
);
