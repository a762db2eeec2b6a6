import { handle } from '@/lib/api/handle';
import { vcpRoutes } from '@/lib/api/routes/vcp';
import { listNodes } from '@/lib/nodes/list-nodes';

export const dynamic = 'force-dynamic';

export const GET = handle(vcpRoutes.listNodes, ({ actor, query, db }) => listNodes(db, actor, query));
