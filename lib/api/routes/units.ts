// Units (the VCP SDK's Unit): node count, nodes added or deleted, power, cloud burst, class schedule.
import { z } from 'zod';
import { defineRoute } from '@/lib/api/contract';
import { ZNextCursor, ZPageQuery } from '@/lib/api/pagination';
import { ZIdParams, ZOperation } from '@/lib/api/schemas/common';
import { ZBurstPolicyInput } from '@/lib/burst/policy';
import { ZPowerInput } from '@/lib/nodes/power-many';
import { ZScheduleInput } from '@/lib/schedules/fields';
import { ZPauseSchedule } from '@/lib/schedules/manual-change';
import { ZUnitScheduleView } from '@/lib/schedules/views';
import { ZAddNodesInput, ZDeleteNodesInput, ZNodeDeletion } from '@/lib/unit-groups/node-selectors';
import { ZScaleUnitInput } from '@/lib/unit-groups/scale-unit';
import { ZBurstView, ZNodeView } from '@/lib/unit-groups/views';

const SCHEDULE_QUESTION =
  'When the unit follows an active class schedule, a request without `pauseSchedule` is refused with a 409 naming that field: send true to pause the schedule and make the change, false to make it once (the schedule applies its own target at its next change).';

export const unitRoutes = {
  scaleUnit: defineRoute({
    method: 'PATCH',
    path: '/api/v1/units/{id}',
    operationId: 'scaleUnit',
    tag: 'Units',
    summary: 'Change the unit\'s node count, as a scale build',
    summaryJa: 'ユニットのノード数をスケールビルドとして変える',
    description: SCHEDULE_QUESTION,
    access: { permission: 'build' },
    params: ZIdParams,
    body: ZScaleUnitInput.extend(ZPauseSchedule.shape),
    status: 202,
    output: ZOperation,
  }),
  deleteUnit: defineRoute({
    method: 'DELETE',
    path: '/api/v1/units/{id}',
    operationId: 'deleteUnit',
    tag: 'Units',
    summary: 'Delete the unit and its nodes (delete_units), as a build; its name is free again',
    summaryJa: 'ユニットとそのノードをビルドとして削除する (delete_units): 名前は再び使える',
    access: { permission: 'build' },
    params: ZIdParams,
    status: 202,
    output: ZOperation,
  }),
  setUnitBurst: defineRoute({
    method: 'PUT',
    path: '/api/v1/units/{id}/burst',
    operationId: 'setUnitBurst',
    tag: 'Units',
    summary: 'Set where the unit\'s nodes go once the lab\'s servers are full (its cloud-burst policy), replacing any',
    summaryJa: '研究室のサーバーが満ちたときのノードの行き先 (クラウドバーストの方針) を設定する (既存は置き換え)',
    description:
      'Without `accountId`, the organization\'s default account of the provider. With `queue`, the unit\'s size follows its unit group\'s work queue (Slurm): nodes are added for jobs pending `pendingSeconds`, overflow nodes idle `idleSeconds` are removed.',
    access: { permission: 'build' },
    params: ZIdParams,
    body: ZBurstPolicyInput,
    status: 200,
    output: z.object({ unitId: z.uuid(), burst: ZBurstView }),
  }),
  removeUnitBurst: defineRoute({
    method: 'DELETE',
    path: '/api/v1/units/{id}/burst',
    operationId: 'removeUnitBurst',
    tag: 'Units',
    summary: 'No more overflow: nodes already on the cloud stay until the unit shrinks',
    summaryJa: 'クラウドへのあふれをやめる: すでにクラウドにあるノードはユニットが縮むまで残る',
    access: { permission: 'build' },
    params: ZIdParams,
    status: 204,
    output: z.void(),
  }),
  listUnitNodes: defineRoute({
    method: 'GET',
    path: '/api/v1/units/{id}/nodes',
    operationId: 'listUnitNodes',
    tag: 'Units',
    summary: 'The unit\'s nodes by number, a page at a time: a unit group\'s read carries only the first page of each unit\'s',
    summaryJa: 'ユニットのノード (番号順、ページごと): ユニットグループの取得には各ユニットの最初のページだけが載る',
    description: 'Start from the unit\'s `nodesNextCursor` in GET /api/v1/unit-groups/{id}, or from no cursor for the first page.',
    access: { permission: 'read' },
    params: ZIdParams,
    query: ZPageQuery,
    status: 200,
    output: z.object({ nodes: z.array(ZNodeView), nextCursor: ZNextCursor }),
  }),
  addNodes: defineRoute({
    method: 'POST',
    path: '/api/v1/units/{id}/nodes',
    operationId: 'addNodes',
    tag: 'Units',
    summary: 'Add nodes (add_nodes): a count, or one at each fixed address, as a scale build',
    summaryJa: 'ノードを加える (add_nodes): 台数か固定アドレスごとに 1 台、スケールビルドとして',
    description: SCHEDULE_QUESTION,
    access: { permission: 'build' },
    params: ZIdParams,
    body: ZAddNodesInput.safeExtend(ZPauseSchedule.shape),
    status: 202,
    output: ZOperation,
  }),
  deleteNodes: defineRoute({
    method: 'POST',
    path: '/api/v1/units/{id}/nodes/delete',
    operationId: 'deleteNodes',
    tag: 'Units',
    summary: 'Delete nodes (delete_nodes) chosen by one of nodeNos, ipAddresses, resourceIds or count, as a scale build',
    summaryJa: 'ノードを削除する (delete_nodes): nodeNos・ipAddresses・resourceIds・count のいずれかで選び、スケールビルドとして',
    description: `With \`?dryRun=true\`: a 200 naming exactly the nodes that would go (buildId null), for a confirmation; nothing changes. ${SCHEDULE_QUESTION}`,
    access: { permission: 'build' },
    params: ZIdParams,
    query: z.object({
      dryRun: z
        .enum(['true', 'false'], { error: 'must be true or false' })
        .optional()
        .transform((v) => v === 'true')
        .describe('true: only say which nodes would go.'),
    }),
    body: ZDeleteNodesInput.safeExtend(ZPauseSchedule.shape),
    status: 202,
    otherStatuses: [200],
    output: ZNodeDeletion,
  }),
  powerUnit: defineRoute({
    method: 'POST',
    path: '/api/v1/units/{id}/power',
    operationId: 'powerUnit',
    tag: 'Units',
    summary: 'Power the unit\'s nodes off or on, as a build with its log',
    summaryJa: 'ユニットのノードの電源をログつきのビルドとして切る・入れる',
    description: SCHEDULE_QUESTION,
    access: { permission: 'build' },
    params: ZIdParams,
    body: ZPowerInput.extend(ZPauseSchedule.shape),
    status: 202,
    output: ZOperation,
  }),
  getUnitSchedule: defineRoute({
    method: 'GET',
    path: '/api/v1/units/{id}/schedule',
    operationId: 'getUnitSchedule',
    tag: 'Units',
    summary: 'The unit\'s class schedule (null when none), what it asks of the unit now and next, and the holidays in its term',
    summaryJa: 'ユニットの授業スケジュール (なければ null)、今と次に求めること、期間中の休日',
    access: { permission: 'read' },
    params: ZIdParams,
    status: 200,
    output: ZUnitScheduleView,
  }),
  setUnitSchedule: defineRoute({
    method: 'PUT',
    path: '/api/v1/units/{id}/schedule',
    operationId: 'setUnitSchedule',
    tag: 'Units',
    summary: 'Set the unit\'s class schedule, replacing any',
    summaryJa: 'ユニットの授業スケジュールを設定する (既存は置き換え)',
    description:
      'Weekly periods over a term, with exceptions (days without class, make-up days); each node count must fit the organization\'s quota. It acts for whoever saved it last; a paused one stays paused.',
    access: { permission: 'build' },
    params: ZIdParams,
    body: ZScheduleInput,
    status: 200,
    output: ZUnitScheduleView,
  }),
  removeUnitSchedule: defineRoute({
    method: 'DELETE',
    path: '/api/v1/units/{id}/schedule',
    operationId: 'removeUnitSchedule',
    tag: 'Units',
    summary: 'Remove the unit\'s class schedule: the unit stays as it is',
    summaryJa: 'ユニットの授業スケジュールを外す: ユニットは今のまま',
    access: { permission: 'build' },
    params: ZIdParams,
    status: 204,
    output: z.void(),
  }),
  pauseUnitSchedule: defineRoute({
    method: 'POST',
    path: '/api/v1/units/{id}/schedule/pause',
    operationId: 'pauseUnitSchedule',
    tag: 'Units',
    summary: 'Pause the unit\'s class schedule: it changes nothing until resumed',
    summaryJa: 'ユニットの授業スケジュールを一時停止する: 再開まで何も変えない',
    access: { permission: 'build' },
    params: ZIdParams,
    status: 200,
    output: ZUnitScheduleView,
  }),
  resumeUnitSchedule: defineRoute({
    method: 'POST',
    path: '/api/v1/units/{id}/schedule/resume',
    operationId: 'resumeUnitSchedule',
    tag: 'Units',
    summary: 'Resume the unit\'s class schedule: its next round makes the unit what the timetable says now',
    summaryJa: 'ユニットの授業スケジュールを再開する: 次の回で時間割どおりにする',
    access: { permission: 'build' },
    params: ZIdParams,
    status: 200,
    output: ZUnitScheduleView,
  }),
};
