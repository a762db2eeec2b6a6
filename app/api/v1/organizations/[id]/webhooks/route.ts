import { NextResponse } from 'next/server';
import { idOrNotFound } from '@/lib/http/ids';
import { jsonBody, withActor } from '@/lib/http/route';
import { createWebhook } from '@/lib/webhooks/manage-webhooks';
import { listWebhooks } from '@/lib/webhooks/views';

export const dynamic = 'force-dynamic';

// GET /api/v1/organizations/:id/webhooks – the organization's webhooks with their state (never secrets); admins and owners
export const GET = withActor<{ id: string }>(async ({ actor, params, db }) =>
  NextResponse.json({ webhooks: await listWebhooks(db, actor, idOrNotFound(params.id, 'organization')) }),
);

// POST /api/v1/organizations/:id/webhooks – register { url, events?, description? } → 201 { webhook, secret } (the secret only here)
export const POST = withActor<{ id: string }>(
  async ({ req, actor, params, meta, db }) => {
    const created = await createWebhook(db, actor, idOrNotFound(params.id, 'organization'), await jsonBody(req), meta);
    return NextResponse.json(created, { status: 201, headers: { 'cache-control': 'no-store' } });
  },
  { audit: 'webhook.create', auditOrganizationParam: 'id' },
);
