import { handle } from '@/lib/api/handle';
import { unitRoutes } from '@/lib/api/routes/units';
import { burstView, removeUnitBurst, setUnitBurst } from '@/lib/burst/policy';

export const dynamic = 'force-dynamic';

export const PUT = handle(
  unitRoutes.setUnitBurst,
  async ({ body, actor, params, meta, db }) => {
    const { unitId, burst } = await setUnitBurst(db, actor, params.id, body, meta);
    return { unitId, burst: burstView(burst) };
  },
  { audit: 'unit.burst' },
);

export const DELETE = handle(
  unitRoutes.removeUnitBurst,
  async ({ actor, params, meta, db }) => {
    await removeUnitBurst(db, actor, params.id, meta);
  },
  { audit: 'unit.burst' },
);
