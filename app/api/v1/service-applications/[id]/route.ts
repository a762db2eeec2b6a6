import { handle } from '@/lib/api/handle';
import { applicationRoutes } from '@/lib/api/routes/applications';
import { updateApplication } from '@/lib/service-applications/applications';
import { getApplication } from '@/lib/service-applications/queries';

export const dynamic = 'force-dynamic';

export const GET = handle(applicationRoutes.getServiceApplication, async ({ actor, params, db }) => ({ application: await getApplication(db, actor, params.id) }));

export const PATCH = handle(
  applicationRoutes.updateServiceApplication,
  async ({ actor, params, body, meta, db }) => {
    await updateApplication(db, actor, params.id, body, meta);
    return { application: await getApplication(db, actor, params.id) };
  },
  { audit: 'application.update' },
);
