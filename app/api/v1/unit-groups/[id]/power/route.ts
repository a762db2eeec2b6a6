import { handle } from '@/lib/api/handle';
import { unitGroupRoutes } from '@/lib/api/routes/unit-groups';
import { requestPower } from '@/lib/nodes/power-many';
import { changeByHand } from '@/lib/schedules/manual-change';

export const dynamic = 'force-dynamic';

// Every node that can be, as a build with its log; pauseSchedule: lib/schedules/manual-change.ts.
export const POST = handle(
  unitGroupRoutes.powerUnitGroup,
  ({ body, actor, params, meta, db }) => {
    const scope = { unitGroupId: params.id };
    return changeByHand(db, actor, scope, body, (input) => requestPower(db, actor, scope, input, meta), meta);
  },
  { audit: 'unitGroup.power' },
);
