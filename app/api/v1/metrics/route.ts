import { withActor } from '@/lib/http/route';
import { organizationMetricsText, PROMETHEUS_CONTENT_TYPE } from '@/lib/metrics/prometheus';

export const dynamic = 'force-dynamic';

// GET /api/v1/metrics[?organization=<id>] → Prometheus text for the organization's nodes (scraped with an API token)
export const GET = withActor(async ({ req, actor, db }) =>
  new Response(await organizationMetricsText(db, actor, Object.fromEntries(new URL(req.url).searchParams)), { headers: { 'Content-Type': PROMETHEUS_CONTENT_TYPE } }),
);
