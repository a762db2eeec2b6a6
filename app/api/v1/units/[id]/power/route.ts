import { handle } from '@/lib/api/handle';
import { unitRoutes } from '@/lib/api/routes/units';
import { requestPower } from '@/lib/nodes/power-many';
import { changeByHand } from '@/lib/schedules/manual-change';

export const dynamic = 'force-dynamic';

// Every node of the unit that can be, as a build with its log; pauseSchedule: lib/schedules/manual-change.ts.
export const POST = handle(
  unitRoutes.powerUnit,
  ({ body, actor, params, meta, db }) => {
    const scope = { unitId: params.id };
    return changeByHand(db, actor, scope, body, (input) => requestPower(db, actor, scope, input, meta), meta);
  },
  { audit: 'unit.power' },
);
