import { NextResponse } from 'next/server';
import { decideExtension } from '@/lib/expiry/decide-extension';
import { idOrNotFound } from '@/lib/http/ids';
import { jsonBody, withActor } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

// POST /api/v1/expiry-extensions/:id/decision – NII staff: { decision: approve|reject, note } → { extension }
export const POST = withActor<{ id: string }>(
  async ({ req, actor, params, meta, db }) => NextResponse.json({ extension: await decideExtension(db, actor, idOrNotFound(params.id, 'extension request'), await jsonBody(req), meta) }),
  { audit: 'extension.decide' },
);
