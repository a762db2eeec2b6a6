import { handle } from '@/lib/api/handle';
import { applicationRoutes } from '@/lib/api/routes/applications';
import { submitApplication } from '@/lib/service-applications/applications';
import { getApplication } from '@/lib/service-applications/queries';

export const dynamic = 'force-dynamic';

export const POST = handle(
  applicationRoutes.submitServiceApplication,
  async ({ actor, params, meta, db }) => {
    await submitApplication(db, actor, params.id, meta);
    return { application: await getApplication(db, actor, params.id) };
  },
  { audit: 'application.submit' },
);
