import { handle } from '@/lib/api/handle';
import { unitGroupRoutes } from '@/lib/api/routes/unit-groups';
import { requestUnitGroupDeletion } from '@/lib/unit-groups/request-deletion';
import { getUnitGroupDetail } from '@/lib/unit-groups/detail';

export const dynamic = 'force-dynamic';

export const GET = handle(unitGroupRoutes.getUnitGroup, async ({ actor, params, db }) => ({ unitGroup: await getUnitGroupDetail(db, actor, params.id) }));

export const DELETE = handle(
  unitGroupRoutes.deleteUnitGroup,
  async ({ actor, params, meta, db }) => {
    await requestUnitGroupDeletion(db, actor, params.id, meta);
    return { state: 'DELETING' as const };
  },
  { audit: 'unitGroup.delete' },
);
