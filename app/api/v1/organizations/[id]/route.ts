import { NextResponse } from 'next/server';
import { setExpiryPolicy } from '@/lib/expiry/policy';
import { idOrNotFound } from '@/lib/http/ids';
import { jsonBody, withActor } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

// PATCH /api/v1/organizations/:id – owners: { extensionAutoApproveDays?, expiryGraceDays? } → { extensionAutoApproveDays, expiryGraceDays }
export const PATCH = withActor<{ id: string }>(
  async ({ req, actor, params, meta, db }) => NextResponse.json(await setExpiryPolicy(db, actor, idOrNotFound(params.id, 'organization'), await jsonBody(req), meta)),
  { audit: 'organization.expiryPolicy', auditOrganizationParam: 'id' },
);
