import { handle } from '@/lib/api/handle';
import { unitGroupRoutes } from '@/lib/api/routes/unit-groups';
import { listUnitGroups } from '@/lib/unit-groups/queries';

export const dynamic = 'force-dynamic';

export const GET = handle(unitGroupRoutes.listUnitGroups, ({ actor, query, db }) => listUnitGroups(db, actor, query));
