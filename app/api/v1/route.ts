import { handlePublic } from '@/lib/api/handle';
import { metaRoutes } from '@/lib/api/routes/meta';

export const dynamic = 'force-dynamic';

export const GET = handlePublic(metaRoutes.getApiRoot, () => ({ api: 'v1' as const, openapi: '/api/v1/openapi.json', reference: '/api-docs', pythonClient: '/downloads/ocs_portal.py' }));
