import { handle } from '@/lib/api/handle';
import { infrastructureRoutes } from '@/lib/api/routes/infrastructure';
import { registerHost } from '@/lib/hosts/manage-hosts';
import { listHosts } from '@/lib/hosts/queries';

export const dynamic = 'force-dynamic';

export const GET = handle(infrastructureRoutes.listHosts, ({ actor, params, query, db }) => listHosts(db, actor, params.id, query));

export const POST = handle(infrastructureRoutes.registerHost, async ({ actor, params, body, meta, db }) => ({ host: await registerHost(db, actor, params.id, body, meta) }), {
  audit: 'host.register',
  auditOrganizationParam: 'id',
});
