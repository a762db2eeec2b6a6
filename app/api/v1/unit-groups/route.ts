import { handle } from '@/lib/api/handle';
import { unitGroupRoutes } from '@/lib/api/routes/unit-groups';
import { createUnitGroup } from '@/lib/unit-groups/create-unit-group';
import { getUnitGroupDetail } from '@/lib/unit-groups/detail';
import { listUnitGroups } from '@/lib/unit-groups/queries';

export const dynamic = 'force-dynamic';

export const GET = handle(unitGroupRoutes.listUnitGroups, ({ actor, query, db }) => listUnitGroups(db, actor, query));

export const POST = handle(
  unitGroupRoutes.createUnitGroup,
  async ({ actor, body, meta, db }) => {
    const { unitGroupId } = await createUnitGroup(db, actor, body, meta);
    return { unitGroup: await getUnitGroupDetail(db, actor, unitGroupId) };
  },
  { audit: 'unitGroup.create' },
);
