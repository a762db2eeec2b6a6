import { handle } from '@/lib/api/handle';
import { nodeRoutes } from '@/lib/api/routes/nodes';
import { requestNodePower, ZNodePowerInput } from '@/lib/nodes/power';
import { changeByHand } from '@/lib/schedules/manual-change';
import { parseOrThrow } from '@/lib/zod-fields';

export const dynamic = 'force-dynamic';

// pauseSchedule answers the class schedule's question of the node's unit (lib/schedules/manual-change.ts).
export const POST = handle(
  nodeRoutes.powerNode,
  ({ body, actor, params, meta, db }) => {
    const nodeId = params.id;
    const power = (input: unknown) => requestNodePower(db, actor, nodeId, parseOrThrow(ZNodePowerInput, input).action, meta);
    return changeByHand(db, actor, { nodeId }, body, power, meta);
  },
  { audit: 'node.power' },
);
