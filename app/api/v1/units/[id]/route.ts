import { handle } from '@/lib/api/handle';
import { unitRoutes } from '@/lib/api/routes/units';
import { changeByHand } from '@/lib/schedules/manual-change';
import { requestUnitDeletion } from '@/lib/unit-groups/delete-units';
import { requestUnitScale } from '@/lib/unit-groups/scale-unit';

export const dynamic = 'force-dynamic';

// The unit's node count; pauseSchedule answers its class schedule's question (lib/schedules/manual-change.ts).
export const PATCH = handle(
  unitRoutes.scaleUnit,
  ({ body, actor, params, meta, db }) => changeByHand(db, actor, { unitId: params.id }, body, (input) => requestUnitScale(db, actor, params.id, input, meta), meta),
  { audit: 'unit.scale' },
);

export const DELETE = handle(unitRoutes.deleteUnit, ({ actor, params, meta, db }) => requestUnitDeletion(db, actor, { unitId: params.id }, meta), { audit: 'unit.delete' });
