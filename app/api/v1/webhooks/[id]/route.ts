import { NextResponse } from 'next/server';
import { idOrNotFound } from '@/lib/http/ids';
import { jsonBody, withActor } from '@/lib/http/route';
import { deleteWebhook, updateWebhook } from '@/lib/webhooks/manage-webhooks';
import { getWebhook } from '@/lib/webhooks/views';

export const dynamic = 'force-dynamic';

// GET /api/v1/webhooks/:id – one webhook → { webhook }
export const GET = withActor<{ id: string }>(async ({ actor, params, db }) => NextResponse.json({ webhook: await getWebhook(db, actor, idOrNotFound(params.id, 'webhook')) }));

// PATCH /api/v1/webhooks/:id – change { url?, events?, description?, enabled? } → { webhook }; enabling again clears the disabled state
export const PATCH = withActor<{ id: string }>(
  async ({ req, actor, params, meta, db }) => NextResponse.json({ webhook: await updateWebhook(db, actor, idOrNotFound(params.id, 'webhook'), await jsonBody(req), meta) }),
  { audit: 'webhook.update' },
);

// DELETE /api/v1/webhooks/:id – remove it and its deliveries → 204
export const DELETE = withActor<{ id: string }>(
  async ({ actor, params, meta, db }) => {
    await deleteWebhook(db, actor, idOrNotFound(params.id, 'webhook'), meta);
    return new Response(null, { status: 204 });
  },
  { audit: 'webhook.delete' },
);
