import { answer, handle } from '@/lib/api/handle';
import { unitRoutes } from '@/lib/api/routes/units';
import { changeByHand, withoutAnswer } from '@/lib/schedules/manual-change';
import { requestNodeDeletion } from '@/lib/unit-groups/node-selectors';

export const dynamic = 'force-dynamic';

export const POST = handle(
  unitRoutes.deleteNodes,
  async ({ body, query, actor, params, meta, db }) => {
    const unitId = params.id;
    const remove = (input: unknown) => requestNodeDeletion(db, actor, unitId, input, { dryRun: query.dryRun, meta });
    // A dry run changes nothing: the class schedule's question comes with the deletion itself.
    if (query.dryRun) return answer(200, await remove(withoutAnswer(body)));
    return changeByHand(db, actor, { unitId }, body, remove, meta);
  },
  { audit: 'unit.scale' },
);
