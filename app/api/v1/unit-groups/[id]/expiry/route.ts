import { handle } from '@/lib/api/handle';
import { expiryRoutes } from '@/lib/api/routes/expiry';
import { getExtension } from '@/lib/expiry/queries';
import { setExpiryTo } from '@/lib/expiry/set-expiry';

export const dynamic = 'force-dynamic';

export const PUT = handle(
  expiryRoutes.setUnitGroupExpiry,
  async ({ actor, params, body, meta, db }) => {
    const { expiresAt, expiredAt, extension } = await setExpiryTo(db, actor, params.id, body, meta);
    return { expiresAt, expiredAt, ...(extension ? { extension: await getExtension(db, extension.id) } : {}) };
  },
  { audit: 'unitGroup.setExpiry' },
);
