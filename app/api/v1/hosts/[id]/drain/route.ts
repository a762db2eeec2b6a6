import { handle } from '@/lib/api/handle';
import { infrastructureRoutes } from '@/lib/api/routes/infrastructure';
import { drainHost } from '@/lib/hosts/manage-hosts';

export const dynamic = 'force-dynamic';

export const POST = handle(infrastructureRoutes.drainHost, async ({ actor, params, meta, db }) => ({ host: await drainHost(db, actor, params.id, meta) }), {
  audit: 'host.drain',
});
