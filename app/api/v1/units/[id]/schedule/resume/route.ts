import { handle } from '@/lib/api/handle';
import { unitRoutes } from '@/lib/api/routes/units';
import { resumeUnitSchedule } from '@/lib/schedules/manage-schedule';

export const dynamic = 'force-dynamic';

export const POST = handle(unitRoutes.resumeUnitSchedule, ({ actor, params, meta, db }) => resumeUnitSchedule(db, actor, params.id, meta), { audit: 'unit.scheduleResume' });
