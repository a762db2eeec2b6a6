import { handle } from '@/lib/api/handle';
import { buildRoutes } from '@/lib/api/routes/builds';
import { listBuilds } from '@/lib/builds/queries';
import { submitParsedBuild } from '@/lib/builds/submit-build';

export const dynamic = 'force-dynamic';

export const GET = handle(buildRoutes.listBuilds, ({ actor, query, db }) => listBuilds(db, actor, query));

export const POST = handle(buildRoutes.submitBuild, ({ actor, body, meta, db }) => submitParsedBuild(db, actor, body, meta), { audit: 'build.submit' });
