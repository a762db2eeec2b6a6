import { handle } from '@/lib/api/handle';
import { infrastructureRoutes } from '@/lib/api/routes/infrastructure';
import { removeHost, updateHost } from '@/lib/hosts/manage-hosts';
import { getHost } from '@/lib/hosts/queries';

export const dynamic = 'force-dynamic';

export const GET = handle(infrastructureRoutes.getHost, async ({ actor, params, db }) => ({ host: await getHost(db, actor, params.id) }));

export const PATCH = handle(infrastructureRoutes.updateHost, async ({ actor, params, body, meta, db }) => ({ host: await updateHost(db, actor, params.id, body, meta) }), {
  audit: 'host.update',
});

export const DELETE = handle(infrastructureRoutes.removeHost, ({ actor, params, meta, db }) => removeHost(db, actor, params.id, meta), { audit: 'host.remove' });
