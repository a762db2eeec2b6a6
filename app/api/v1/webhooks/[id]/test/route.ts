import { NextResponse } from 'next/server';
import { idOrNotFound } from '@/lib/http/ids';
import { withActor } from '@/lib/http/route';
import { testWebhook } from '@/lib/webhooks/manage-webhooks';

export const dynamic = 'force-dynamic';

// POST /api/v1/webhooks/:id/test – send a `ping` now, once → { delivery } with the receiver's answer
export const POST = withActor<{ id: string }>(
  async ({ actor, params, meta, db }) => NextResponse.json({ delivery: await testWebhook(db, actor, idOrNotFound(params.id, 'webhook'), meta) }),
  { audit: 'webhook.test' },
);
