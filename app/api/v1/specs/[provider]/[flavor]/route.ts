import { handle } from '@/lib/api/handle';
import { vcpRoutes } from '@/lib/api/routes/vcp';
import { getSpecDefaults } from '@/lib/unit-groups/spec-defaults';

export const dynamic = 'force-dynamic';

export const GET = handle(vcpRoutes.getSpec, async ({ actor, params, db }) => ({ spec: await getSpecDefaults(db, actor, params.provider, params.flavor) }));
