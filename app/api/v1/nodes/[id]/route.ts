import { handle } from '@/lib/api/handle';
import { nodeRoutes } from '@/lib/api/routes/nodes';
import { getNodeDetail } from '@/lib/nodes/node-detail';

export const dynamic = 'force-dynamic';

export const GET = handle(nodeRoutes.getNode, async ({ actor, params, db }) => ({ node: await getNodeDetail(db, actor, params.id) }));
