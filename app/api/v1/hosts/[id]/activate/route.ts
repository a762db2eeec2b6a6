import { handle } from '@/lib/api/handle';
import { infrastructureRoutes } from '@/lib/api/routes/infrastructure';
import { activateHost } from '@/lib/hosts/manage-hosts';

export const dynamic = 'force-dynamic';

export const POST = handle(infrastructureRoutes.activateHost, async ({ actor, params, meta, db }) => ({ host: await activateHost(db, actor, params.id, meta) }), {
  audit: 'host.activate',
});
