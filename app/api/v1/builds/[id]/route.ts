import { handle } from '@/lib/api/handle';
import { buildRoutes } from '@/lib/api/routes/builds';
import { getBuildDetail } from '@/lib/builds/queries';

export const dynamic = 'force-dynamic';

export const GET = handle(buildRoutes.getBuild, async ({ actor, params, query, db }) => ({ build: await getBuildDetail(db, actor, params.id, query.afterLogId) }));
