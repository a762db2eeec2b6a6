import { handle } from '@/lib/api/handle';
import { unitGroupRoutes } from '@/lib/api/routes/unit-groups';
import { requestUnitDeletion } from '@/lib/unit-groups/delete-units';

export const dynamic = 'force-dynamic';

export const POST = handle(unitGroupRoutes.cleanupUnitGroup, ({ actor, params, meta, db }) => requestUnitDeletion(db, actor, { unitGroupId: params.id }, meta), { audit: 'unitGroup.cleanup' });
