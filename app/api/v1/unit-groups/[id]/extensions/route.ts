import { NextResponse } from 'next/server';
import { expiryOf } from '@/lib/expiry/queries';
import { requestExtension } from '@/lib/expiry/request-extension';
import { idOrNotFound } from '@/lib/http/ids';
import { jsonBody, withActor } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

// GET /api/v1/unit-groups/:id/extensions → { expiry: { expiresAt, expiredAt, deletesAt, extensionAutoApproveDays, expiryGraceDays, canChange }, extensions }
export const GET = withActor<{ id: string }>(async ({ actor, params, db }) => NextResponse.json(await expiryOf(db, actor, idOrNotFound(params.id, 'unit group'))));

// POST /api/v1/unit-groups/:id/extensions { until: ISO 8601, reason } → 201 { extension }: approved at once within the
// organization's policy, else pending for NII staff
export const POST = withActor<{ id: string }>(
  async ({ req, actor, params, meta, db }) => {
    const extension = await requestExtension(db, actor, idOrNotFound(params.id, 'unit group'), await jsonBody(req), meta);
    return NextResponse.json({ extension }, { status: 201 });
  },
  { audit: 'extension.request' },
);
