// Builds: list, submit, plan, read (with the log lines after one seen), cancel, retry.
import { z } from 'zod';
import { defineRoute } from '@/lib/api/contract';
import { ZNextCursor, ZPageQuery } from '@/lib/api/pagination';
import { ZIdParams } from '@/lib/api/schemas/common';
import { ZCancelBuildInput } from '@/lib/builds/cancel-build';
import { ZPlanBuildInput, ZSubmitBuildInput } from '@/lib/builds/validation';
import { ZBuildDetail, ZBuildSummary, ZPlanView } from '@/lib/builds/views';

const TAG = 'Builds';

export const ZBuildQuery = z.object({
  afterLogId: z.coerce
    .number({ error: 'must be a log line id (a whole number, 0 or more)' })
    .int('must be a log line id (a whole number, 0 or more)')
    .min(0, 'must be a log line id (a whole number, 0 or more)')
    .max(Number.MAX_SAFE_INTEGER, 'must be a log line id (a whole number, 0 or more)')
    .default(0)
    .describe('Only log lines after this one (the id of the last line seen); 0 or none: from the first.'),
});

export const buildRoutes = {
  listBuilds: defineRoute({
    method: 'GET',
    path: '/api/v1/builds',
    operationId: 'listBuilds',
    tag: TAG,
    summary: 'Builds the caller may see, newest first',
    summaryJa: '見ることのできるビルド (新しい順)',
    access: 'signedIn',
    query: ZPageQuery,
    status: 200,
    output: z.object({ builds: z.array(ZBuildSummary), nextCursor: ZNextCursor }),
  }),
  submitBuild: defineRoute({
    method: 'POST',
    path: '/api/v1/builds',
    operationId: 'submitBuild',
    tag: TAG,
    summary: 'Submit a build of a template: a new unit group',
    summaryJa: 'テンプレートのビルドを送る: 新しいユニットグループ',
    description:
      'Plans the build as POST /api/v1/builds/plan does, records the unit group, its units and nodes against the quota, and queues the build: ' +
      'it answers at once, and the build carries on (watch it at GET /api/v1/builds/{id}). A member of several organizations names the one with organizationId.',
    access: { permission: 'build' },
    body: ZSubmitBuildInput,
    status: 202,
    output: z
      .object({
        buildId: z.uuid().describe('The build: watch it at GET /api/v1/builds/{id}.'),
        unitGroupId: z.uuid().describe('The unit group it makes.'),
      })
      .meta({ id: 'SubmittedBuild' }),
  }),
  planBuild: defineRoute({
    method: 'POST',
    path: '/api/v1/builds/plan',
    operationId: 'planBuild',
    tag: TAG,
    summary: 'What a build would create, its quota use and hourly cost (nothing is created)',
    summaryJa: 'ビルドが作るもの、クォータの使用量、1 時間あたりの費用 (何も作らない)',
    access: { permission: 'build' },
    body: ZPlanBuildInput,
    status: 200,
    output: z.object({ plan: ZPlanView }),
  }),
  getBuild: defineRoute({
    method: 'GET',
    path: '/api/v1/builds/{id}',
    operationId: 'getBuild',
    tag: TAG,
    summary: 'A build with its steps and log lines',
    summaryJa: 'ビルド: そのステップとログ',
    description:
      'Pass the id of the last log line seen as afterLogId to get only newer lines. A secret output\'s values come once, in the first answer to the build\'s creator after the build has them.',
    access: { permission: 'read' },
    params: ZIdParams,
    query: ZBuildQuery,
    status: 200,
    output: z.object({ build: ZBuildDetail }),
  }),
  cancelBuild: defineRoute({
    method: 'POST',
    path: '/api/v1/builds/{id}/cancel',
    operationId: 'cancelBuild',
    tag: TAG,
    summary: 'Stop a queued or running build',
    summaryJa: '待機中・実行中のビルドを止める',
    description: 'mode keep leaves what the build made (its unit group shows ERROR); teardown (a create build only) deletes the unit group.',
    access: { permission: 'build' },
    params: ZIdParams,
    body: ZCancelBuildInput,
    status: 202,
    output: z.object({ cancelRequested: z.literal(true) }),
  }),
  retryBuild: defineRoute({
    method: 'POST',
    path: '/api/v1/builds/{id}/retry',
    operationId: 'retryBuild',
    tag: TAG,
    summary: 'Run a FAILED build again from its failed step',
    summaryJa: '失敗 (FAILED) したビルドを失敗したステップから再実行する',
    access: { permission: 'build' },
    params: ZIdParams,
    status: 202,
    output: z.object({ status: z.literal('QUEUED') }),
  }),
};
