import { handle } from '@/lib/api/handle';
import { templateRoutes } from '@/lib/api/routes/templates';
import { listProviders } from '@/lib/providers/views';

export const dynamic = 'force-dynamic';

export const GET = handle(templateRoutes.listProviders, async ({ query }) => listProviders(query));
