import { NextResponse } from 'next/server';
import { setExpiry } from '@/lib/expiry/set-expiry';
import { idOrNotFound } from '@/lib/http/ids';
import { jsonBody, withActor } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

// PUT /api/v1/unit-groups/:id/expiry { expiresAt: ISO 8601 | null, reason? } – set the first end date, an
// earlier one, or none; a later one is an extension request (reason required) → { expiresAt, expiredAt, extension? }
export const PUT = withActor<{ id: string }>(
  async ({ req, actor, params, meta, db }) => NextResponse.json(await setExpiry(db, actor, idOrNotFound(params.id, 'unit group'), await jsonBody(req), meta)),
  { audit: 'unitGroup.setExpiry' },
);
