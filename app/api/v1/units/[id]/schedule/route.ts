import { handle } from '@/lib/api/handle';
import { unitRoutes } from '@/lib/api/routes/units';
import { getUnitSchedule, removeUnitSchedule, setUnitSchedule } from '@/lib/schedules/manage-schedule';

export const dynamic = 'force-dynamic';

export const GET = handle(unitRoutes.getUnitSchedule, ({ actor, params, db }) => getUnitSchedule(db, actor, params.id));

export const PUT = handle(unitRoutes.setUnitSchedule, ({ body, actor, params, meta, db }) => setUnitSchedule(db, actor, params.id, body, meta), { audit: 'unit.schedule' });

export const DELETE = handle(
  unitRoutes.removeUnitSchedule,
  async ({ actor, params, meta, db }) => {
    await removeUnitSchedule(db, actor, params.id, meta);
  },
  { audit: 'unit.scheduleRemove' },
);
