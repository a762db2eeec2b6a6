import { handle } from '@/lib/api/handle';
import { applicationRoutes } from '@/lib/api/routes/applications';
import { decideApplication } from '@/lib/service-applications/decide';
import { getApplication } from '@/lib/service-applications/queries';

export const dynamic = 'force-dynamic';

export const POST = handle(
  applicationRoutes.decideServiceApplication,
  async ({ actor, params, body, meta, db }) => {
    const { organization: o } = await decideApplication(db, actor, params.id, body, meta);
    return {
      application: await getApplication(db, actor, params.id),
      ...(o ? { organization: { id: o.id, name: o.name, maxNodes: o.maxNodes, maxNodesPerProvider: o.maxNodesPerProvider } } : {}),
    };
  },
  { audit: 'application.decide' },
);
