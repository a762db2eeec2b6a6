import { handle } from '@/lib/api/handle';
import { buildRoutes } from '@/lib/api/routes/builds';
import { previewBuild } from '@/lib/builds/plan-build';

export const dynamic = 'force-dynamic';

export const POST = handle(buildRoutes.planBuild, async ({ actor, body, db }) => ({ plan: await previewBuild(db, actor, body) }));
