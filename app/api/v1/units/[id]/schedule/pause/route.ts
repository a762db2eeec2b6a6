import { handle } from '@/lib/api/handle';
import { unitRoutes } from '@/lib/api/routes/units';
import { pauseUnitSchedule } from '@/lib/schedules/manage-schedule';

export const dynamic = 'force-dynamic';

export const POST = handle(unitRoutes.pauseUnitSchedule, ({ actor, params, meta, db }) => pauseUnitSchedule(db, actor, params.id, meta), { audit: 'unit.schedulePause' });
