import { NextResponse } from 'next/server';
import { idOrNotFound } from '@/lib/http/ids';
import { jsonBody, withActor } from '@/lib/http/route';
import { decideApplication } from '@/lib/service-applications/decide';

export const dynamic = 'force-dynamic';

// POST /api/v1/service-applications/:id/decision – staff: { decision: approve|reject|request_changes, reason, maxNodes?, maxNodesPerProvider? }
export const POST = withActor<{ id: string }>(
  async ({ req, actor, params, meta, db }) => NextResponse.json(await decideApplication(db, actor, idOrNotFound(params.id, 'application'), await jsonBody(req), meta)),
  { audit: 'application.decide' },
);
