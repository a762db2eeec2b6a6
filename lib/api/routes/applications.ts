// Service applications (the service edition): an applicant's request for an organization, its
// thread with NII staff, and staff's decision.
import { z } from 'zod';
import { defineRoute } from '@/lib/api/contract';
import { ZNextCursor, ZPageQuery } from '@/lib/api/pagination';
import { ZIdParams } from '@/lib/api/schemas/common';
import { serviceApplicationState } from '@/lib/db/schema';
import { ZApplicationInput, ZApplicationPatch, ZCommentInput, ZDecisionInput } from '@/lib/service-applications/validation';
import { ZApplicationComment, ZApplicationDecision, ZApplicationDetail, ZApplicationSummary } from '@/lib/service-applications/views';

const STATES = serviceApplicationState.enumValues;

export const applicationRoutes = {
  listServiceApplications: defineRoute({
    method: 'GET',
    path: '/api/v1/service-applications',
    operationId: 'listServiceApplications',
    tag: 'Service applications',
    summary: 'Applications the caller may see, newest first',
    summaryJa: '見ることのできる利用申請 (新しい順)',
    description: 'NII staff (in the browser) see every application, anyone else their own. `state=submitted` is staff\'s review queue.',
    access: 'signedIn',
    query: ZPageQuery.extend({ state: z.enum(STATES, { error: `must be one of ${STATES.join(', ')}` }).optional().describe('Only applications in this state.') }),
    status: 200,
    output: z.object({ applications: z.array(ZApplicationSummary), nextCursor: ZNextCursor }),
  }),
  createServiceApplication: defineRoute({
    method: 'POST',
    path: '/api/v1/service-applications',
    operationId: 'createServiceApplication',
    tag: 'Service applications',
    summary: 'A new draft application, for the caller\'s own institution',
    summaryJa: '自分の機関の新しい利用申請の下書きを作る',
    description: 'The institution is the one of the caller\'s e-mail domain; the contact address must be within it. Submit it with POST /api/v1/service-applications/{id}/submit.',
    access: 'signedIn',
    body: ZApplicationInput,
    status: 201,
    output: z.object({ application: ZApplicationDetail }),
  }),
  getServiceApplication: defineRoute({
    method: 'GET',
    path: '/api/v1/service-applications/{id}',
    operationId: 'getServiceApplication',
    tag: 'Service applications',
    summary: 'The application with its comment thread',
    summaryJa: '利用申請とそのコメントのやりとり',
    description: 'For its applicant and NII staff; anyone else is told it does not exist.',
    access: 'signedIn',
    params: ZIdParams,
    status: 200,
    output: z.object({ application: ZApplicationDetail }),
  }),
  updateServiceApplication: defineRoute({
    method: 'PATCH',
    path: '/api/v1/service-applications/{id}',
    operationId: 'updateServiceApplication',
    tag: 'Service applications',
    summary: 'Edit fields of a draft, or of an application returned for changes',
    summaryJa: '下書き、または差し戻された申請の項目を編集する',
    description: 'The applicant only; any subset of the fields.',
    access: 'signedIn',
    params: ZIdParams,
    body: ZApplicationPatch,
    status: 200,
    output: z.object({ application: ZApplicationDetail }),
  }),
  commentOnServiceApplication: defineRoute({
    method: 'POST',
    path: '/api/v1/service-applications/{id}/comments',
    operationId: 'commentOnServiceApplication',
    tag: 'Service applications',
    summary: 'Add to the thread between applicant and NII staff',
    summaryJa: '申請者と NII 職員のやりとりにコメントを加える',
    description: 'The other side is told by e-mail. Approved and rejected applications take no more comments.',
    access: 'signedIn',
    params: ZIdParams,
    body: ZCommentInput,
    status: 201,
    output: z.object({ comment: ZApplicationComment }),
  }),
  decideServiceApplication: defineRoute({
    method: 'POST',
    path: '/api/v1/service-applications/{id}/decision',
    operationId: 'decideServiceApplication',
    tag: 'Service applications',
    summary: 'Approve, reject or return a submitted application for changes',
    summaryJa: '提出された申請を承認・却下・差し戻す',
    description:
      'Approving makes its organization active with the given quotas (maxNodes defaults to the expected nodes) and the applicant as owner. The reason is required and goes to the applicant by e-mail. NII staff in the browser only, never an API token.',
    access: 'staff',
    params: ZIdParams,
    body: ZDecisionInput,
    status: 200,
    output: ZApplicationDecision,
  }),
  submitServiceApplication: defineRoute({
    method: 'POST',
    path: '/api/v1/service-applications/{id}/submit',
    operationId: 'submitServiceApplication',
    tag: 'Service applications',
    summary: 'Send the application to NII staff for review',
    summaryJa: '申請を NII 職員の審査に出す',
    description: 'The applicant only, for a draft or an application returned for changes; staff and the applicant are told by e-mail.',
    access: 'signedIn',
    params: ZIdParams,
    status: 200,
    output: z.object({ application: ZApplicationDetail }),
  }),
};
