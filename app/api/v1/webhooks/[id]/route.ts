import { handle } from '@/lib/api/handle';
import { webhookRoutes } from '@/lib/api/routes/webhooks';
import { deleteWebhook, updateWebhook } from '@/lib/webhooks/manage-webhooks';
import { getWebhook } from '@/lib/webhooks/queries';

export const dynamic = 'force-dynamic';

export const GET = handle(webhookRoutes.getWebhook, async ({ actor, params, db }) => ({ webhook: await getWebhook(db, actor, params.id) }));

export const PATCH = handle(webhookRoutes.updateWebhook, async ({ actor, params, body, meta, db }) => ({ webhook: await updateWebhook(db, actor, params.id, body, meta) }), {
  audit: 'webhook.update',
});

export const DELETE = handle(webhookRoutes.deleteWebhook, ({ actor, params, meta, db }) => deleteWebhook(db, actor, params.id, meta), { audit: 'webhook.delete' });
