import { handle } from '@/lib/api/handle';
import { unitRoutes } from '@/lib/api/routes/units';
import { changeByHand } from '@/lib/schedules/manual-change';
import { requestNodeAddition } from '@/lib/unit-groups/node-selectors';
import { listUnitNodes } from '@/lib/unit-groups/unit-nodes';

export const dynamic = 'force-dynamic';

export const GET = handle(unitRoutes.listUnitNodes, async ({ actor, params, query, db }) => listUnitNodes(db, actor, params.id, query));

// { count } or { ipAddresses }; pauseSchedule answers its class schedule's question (lib/schedules/manual-change.ts).
export const POST = handle(
  unitRoutes.addNodes,
  ({ body, actor, params, meta, db }) => changeByHand(db, actor, { unitId: params.id }, body, (input) => requestNodeAddition(db, actor, params.id, input, meta), meta),
  { audit: 'unit.scale' },
);
