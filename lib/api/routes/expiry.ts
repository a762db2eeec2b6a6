// End dates of unit groups and requests to extend them: within the organization's policy an
// extension is approved at once, beyond it NII staff decide. The routes under a unit group are
// tagged as unit groups (a bad id there is "no such unit group").
import { z } from 'zod';
import { defineRoute } from '@/lib/api/contract';
import { ZNextCursor, ZPageQuery } from '@/lib/api/pagination';
import { ZIdParams } from '@/lib/api/schemas/common';
import { ZDecisionInput, ZExtensionInput, ZExtensionStateFilter, ZSetExpiryInput } from '@/lib/expiry/fields';
import { ZExpiry, ZExpiryChange, ZExtension, ZQueuedExtension } from '@/lib/expiry/views';

export const expiryRoutes = {
  listExpiryExtensions: defineRoute({
    method: 'GET',
    path: '/api/v1/expiry-extensions',
    operationId: 'listExpiryExtensions',
    tag: 'Expiry extensions',
    summary: 'Every organization\'s extension requests in one state, newest first',
    summaryJa: '全組織の延長申請 (状態ごと、新しい順)',
    description: 'NII staff\'s queue (in the browser): pending requests unless `state` says otherwise, of unit groups not deleted.',
    access: 'staff',
    query: ZPageQuery.extend(ZExtensionStateFilter.shape),
    status: 200,
    output: z.object({ extensions: z.array(ZQueuedExtension), nextCursor: ZNextCursor }),
  }),
  decideExpiryExtension: defineRoute({
    method: 'POST',
    path: '/api/v1/expiry-extensions/{id}/decision',
    operationId: 'decideExpiryExtension',
    tag: 'Expiry extensions',
    summary: 'Approve or reject a pending extension request',
    summaryJa: '審査中の延長申請を承認・却下する',
    description: 'Approving moves the end date as asked (ending an expiry\'s grace period); rejecting leaves it and needs a note. The requester is told by e-mail.',
    access: 'staff',
    params: ZIdParams,
    body: ZDecisionInput,
    status: 200,
    output: z.object({ extension: ZExtension }),
  }),
  setUnitGroupExpiry: defineRoute({
    method: 'PUT',
    path: '/api/v1/unit-groups/{id}/expiry',
    operationId: 'setUnitGroupExpiry',
    tag: 'Unit groups',
    summary: 'Set the unit group\'s end date, move it earlier, or remove it',
    summaryJa: 'ユニットグループの利用期限を設定する・早める・外す',
    description:
      'The first end date or an earlier one is the builders\' own choice. A later one is an extension request (its reason required): approved at once within the organization\'s policy, else pending for NII staff. Only NII staff remove a date once set.',
    access: { permission: 'build' },
    params: ZIdParams,
    body: ZSetExpiryInput,
    status: 200,
    output: ZExpiryChange,
  }),
  getUnitGroupExpiry: defineRoute({
    method: 'GET',
    path: '/api/v1/unit-groups/{id}/extensions',
    operationId: 'getUnitGroupExpiry',
    tag: 'Unit groups',
    summary: 'The unit group\'s end date and its organization\'s policy, with its extension requests newest first',
    summaryJa: 'ユニットグループの利用期限と組織の方針、延長申請 (新しい順)',
    access: { permission: 'read' },
    params: ZIdParams,
    query: ZPageQuery,
    status: 200,
    output: z.object({ expiry: ZExpiry, extensions: z.array(ZExtension), nextCursor: ZNextCursor }),
  }),
  requestExpiryExtension: defineRoute({
    method: 'POST',
    path: '/api/v1/unit-groups/{id}/extensions',
    operationId: 'requestExpiryExtension',
    tag: 'Unit groups',
    summary: 'Ask for a later end date',
    summaryJa: '利用期限の延長を申請する',
    description: 'Approved at once within the organization\'s policy (extensionAutoApproveDays after the current end), else pending for NII staff, who are told by e-mail. One request waits at a time.',
    access: { permission: 'build' },
    params: ZIdParams,
    body: ZExtensionInput,
    status: 201,
    output: z.object({ extension: ZExtension }),
  }),
};
