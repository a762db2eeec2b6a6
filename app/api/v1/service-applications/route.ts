import { handle } from '@/lib/api/handle';
import { applicationRoutes } from '@/lib/api/routes/applications';
import { createApplication } from '@/lib/service-applications/applications';
import { getApplication, listApplicationPage } from '@/lib/service-applications/queries';

export const dynamic = 'force-dynamic';

export const GET = handle(applicationRoutes.listServiceApplications, ({ actor, query, db }) => listApplicationPage(db, actor, query));

export const POST = handle(
  applicationRoutes.createServiceApplication,
  async ({ actor, body, meta, db }) => {
    const created = await createApplication(db, actor, body, meta);
    return { application: await getApplication(db, actor, created.id) };
  },
  { audit: 'application.create' },
);
