import { handle } from '@/lib/api/handle';
import { webhookRoutes } from '@/lib/api/routes/webhooks';
import { createWebhook } from '@/lib/webhooks/manage-webhooks';
import { listWebhooks } from '@/lib/webhooks/queries';

export const dynamic = 'force-dynamic';

export const GET = handle(webhookRoutes.listWebhooks, ({ actor, params, query, db }) => listWebhooks(db, actor, params.id, query));

// The signing secret is in this answer only.
export const POST = handle(webhookRoutes.createWebhook, ({ actor, params, body, meta, db }) => createWebhook(db, actor, params.id, body, meta), {
    audit: 'webhook.create',
    auditOrganizationParam: 'id',
  });
