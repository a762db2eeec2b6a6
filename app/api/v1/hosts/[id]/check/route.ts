import { handle } from '@/lib/api/handle';
import { infrastructureRoutes } from '@/lib/api/routes/infrastructure';
import { checkHost } from '@/lib/hosts/check-host';

export const dynamic = 'force-dynamic';

export const POST = handle(infrastructureRoutes.checkHost, ({ actor, params, meta, db }) => checkHost(db, actor, params.id, meta), { audit: 'host.check' });
