import { handle } from '@/lib/api/handle';
import { unitGroupRoutes } from '@/lib/api/routes/unit-groups';
import { findIpAddresses } from '@/lib/unit-groups/queries';

export const dynamic = 'force-dynamic';

export const GET = handle(unitGroupRoutes.findIpAddresses, async ({ actor, params, query, db }) => ({ ipAddresses: await findIpAddresses(db, actor, params.id, query) }));
