import { handle } from '@/lib/api/handle';
import { webhookRoutes } from '@/lib/api/routes/webhooks';
import { testWebhook } from '@/lib/webhooks/manage-webhooks';

export const dynamic = 'force-dynamic';

export const POST = handle(webhookRoutes.testWebhook, async ({ actor, params, meta, db }) => ({ delivery: await testWebhook(db, actor, params.id, meta) }), { audit: 'webhook.test' });
