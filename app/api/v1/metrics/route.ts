import { handle } from '@/lib/api/handle';
import { metricsRoutes } from '@/lib/api/routes/metrics';
import { organizationMetricsText } from '@/lib/metrics/prometheus';

export const dynamic = 'force-dynamic';

export const GET = handle(metricsRoutes.getPrometheusMetrics, ({ actor, query, db }) => organizationMetricsText(db, actor, query));
