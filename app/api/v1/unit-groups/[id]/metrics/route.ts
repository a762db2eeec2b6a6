import { handle } from '@/lib/api/handle';
import { metricsRoutes } from '@/lib/api/routes/metrics';
import { unitGroupMetrics } from '@/lib/metrics/query';

export const dynamic = 'force-dynamic';

export const GET = handle(metricsRoutes.getUnitGroupMetrics, ({ actor, params, query, db }) => unitGroupMetrics(db, actor, params.id, query));
