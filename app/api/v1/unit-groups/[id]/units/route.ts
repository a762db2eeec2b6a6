import { handle } from '@/lib/api/handle';
import { unitGroupRoutes } from '@/lib/api/routes/unit-groups';
import { createUnit } from '@/lib/unit-groups/create-unit';

export const dynamic = 'force-dynamic';

export const POST = handle(unitGroupRoutes.createUnit, ({ actor, params, body, meta, db }) => createUnit(db, actor, params.id, body, meta), { audit: 'unit.create' });
