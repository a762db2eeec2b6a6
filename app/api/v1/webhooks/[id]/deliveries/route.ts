import { handle } from '@/lib/api/handle';
import { webhookRoutes } from '@/lib/api/routes/webhooks';
import { listDeliveries } from '@/lib/webhooks/queries';

export const dynamic = 'force-dynamic';

export const GET = handle(webhookRoutes.listWebhookDeliveries, ({ actor, params, query, db }) => listDeliveries(db, actor, params.id, query));
