// Nodes (the VCP SDK's df_nodes rows): a node's page, its power, and browser sessions with it.
import { z } from 'zod';
import { defineRoute } from '@/lib/api/contract';
import { ZIdParams } from '@/lib/api/schemas/common';
import { nodeState } from '@/lib/db/schema';
import { ZOpenSession, ZOpenedSession } from '@/lib/node-sessions/open-session';
import { ZNodeDetail } from '@/lib/nodes/node-detail';
import { ZNodePowerInput } from '@/lib/nodes/power';
import { ZPauseSchedule } from '@/lib/schedules/manual-change';

export const nodeRoutes = {
  getNode: defineRoute({
    method: 'GET',
    path: '/api/v1/nodes/{id}',
    operationId: 'getNode',
    tag: 'Nodes',
    summary: 'A node: where it is, how to log in over SSH, what it runs, and whether the caller may open a terminal',
    summaryJa: 'ノード: 場所、SSH ログインの方法、動かしているもの、ターミナルを開けるか',
    access: { permission: 'read' },
    params: ZIdParams,
    status: 200,
    output: z.object({ node: ZNodeDetail }),
  }),
  powerNode: defineRoute({
    method: 'POST',
    path: '/api/v1/nodes/{id}/power',
    operationId: 'powerNode',
    tag: 'Nodes',
    summary: 'Power the node off or on, by a job',
    summaryJa: 'ノードの電源をジョブで切る・入れる',
    description:
      'When its unit follows an active class schedule, a request without `pauseSchedule` is refused with a 409 naming that field: send true to pause the schedule and power the node, false to do it once (the schedule applies its own target at its next change).',
    access: { permission: 'build' },
    params: ZIdParams,
    body: ZNodePowerInput.extend(ZPauseSchedule.shape),
    status: 202,
    output: z
      .object({ nodeId: z.uuid(), state: z.enum(nodeState.enumValues).describe('SHUTTING_DOWN or BOOTING: the job is under way.') })
      .meta({ id: 'NodePowerChange' }),
  }),
  openNodeSession: defineRoute({
    method: 'POST',
    path: '/api/v1/nodes/{id}/sessions',
    operationId: 'openNodeSession',
    tag: 'Nodes',
    summary: 'Open a browser session with the node: a terminal, or an application\'s log',
    summaryJa: 'ノードとのブラウザセッションを開く: ターミナルか、アプリケーションのログ',
    description:
      'Answers a one-time ticket: open the WebSocket at `webSocketPath` within a minute. A terminal is for members whose role grants "terminal" (owners and admins), never on the portal\'s own machine; a log for anyone who may read the organization. The node\'s agent must be running.',
    access: { permission: 'read' },
    params: ZIdParams,
    body: ZOpenSession,
    status: 201,
    output: ZOpenedSession,
  }),
};
