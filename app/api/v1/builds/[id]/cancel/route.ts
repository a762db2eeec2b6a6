import { handle } from '@/lib/api/handle';
import { buildRoutes } from '@/lib/api/routes/builds';
import { requestBuildCancel } from '@/lib/builds/cancel-build';

export const dynamic = 'force-dynamic';

export const POST = handle(
  buildRoutes.cancelBuild,
  async ({ actor, params, body, meta, db }) => {
    await requestBuildCancel(db, actor, params.id, body, meta);
    return { cancelRequested: true as const };
  },
  { audit: 'build.cancel' },
);
