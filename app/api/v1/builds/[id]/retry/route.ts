import { handle } from '@/lib/api/handle';
import { buildRoutes } from '@/lib/api/routes/builds';
import { retryBuild } from '@/lib/builds/retry-build';

export const dynamic = 'force-dynamic';

export const POST = handle(
  buildRoutes.retryBuild,
  async ({ actor, params, meta, db }) => {
    await retryBuild(db, actor, params.id, meta);
    return { status: 'QUEUED' as const };
  },
  { audit: 'build.retry' },
);
