// Organizations (OCS's 利用グループ), their members, API tokens and the SSH public key the portal
// signs in to their servers with.
import { z } from 'zod';
import { defineRoute } from '@/lib/api/contract';
import { ZNextCursor, ZPageQuery } from '@/lib/api/pagination';
import { ZIdParams } from '@/lib/api/schemas/common';
import { ZExpiryPolicyInput } from '@/lib/expiry/fields';
import { ZSshPublicKey } from '@/lib/hosts/views';
import { ZAddMember, ZChangeRole } from '@/lib/organizations/members';
import { ZCreatedOrganization, ZExpiryPolicy, ZMemberView, ZOrganizationView } from '@/lib/organizations/views';
import { ZDirectOrganizationInput } from '@/lib/service-applications/validation';
import { ZIssueToken } from '@/lib/tokens/issue-token';
import { ZIssuedToken, ZTokenView } from '@/lib/tokens/views';

/** An organization's id in the path. */
export const ZOrganizationParams = z.object({ id: z.uuid().describe('The organization\'s id.') });

const ZMemberParams = z.object({
  id: z.uuid().describe('The organization\'s id.'),
  userId: z.uuid().describe('The member\'s user id.'),
});

export const organizationRoutes = {
  listOrganizations: defineRoute({
    method: 'GET',
    path: '/api/v1/organizations',
    operationId: 'listOrganizations',
    tag: 'Organizations',
    summary: 'The caller\'s organizations with their role, rights and quotas, newest first',
    summaryJa: '所属する組織とロール、権限、クォータ (新しい順)',
    description: 'NII staff in the browser see every organization; an API token sees its own.',
    access: 'signedIn',
    query: ZPageQuery,
    status: 200,
    output: z.object({ organizations: z.array(ZOrganizationView), nextCursor: ZNextCursor }),
  }),
  createOrganizationDirectly: defineRoute({
    method: 'POST',
    path: '/api/v1/organizations/direct',
    operationId: 'createOrganizationDirectly',
    tag: 'Organizations',
    summary: 'Portable edition: create your institution\'s first organization, as its owner',
    summaryJa: 'ポータブル版: 自分の機関の最初の組織をオーナーとして作る',
    description:
      'Only in the portable edition, where an institution runs the portal itself (the service edition answers 404: apply for the service instead). ' +
      'An institution that already has its organization answers 409, naming whom to ask to be added.',
    access: 'signedIn',
    body: ZDirectOrganizationInput,
    status: 201,
    output: z.object({ organization: ZCreatedOrganization }),
  }),
  updateOrganization: defineRoute({
    method: 'PATCH',
    path: '/api/v1/organizations/{id}',
    operationId: 'updateOrganization',
    tag: 'Organizations',
    summary: 'Set the organization\'s expiry policy',
    summaryJa: '組織の利用期限の方針を設定する',
    description:
      'How long an extension may be to be approved at once, and how many days an expired unit group is kept (powered off) before it is deleted. ' +
      'Only the organization\'s owners, with full rights, may (a readonly token or another role: 403).',
    access: { permission: 'read' },
    params: ZOrganizationParams,
    body: ZExpiryPolicyInput,
    status: 200,
    output: ZExpiryPolicy,
  }),
  listMembers: defineRoute({
    method: 'GET',
    path: '/api/v1/organizations/{id}/members',
    operationId: 'listMembers',
    tag: 'Members',
    summary: 'The organization\'s members and their roles, newest first',
    summaryJa: '組織のメンバーとロール (新しい順)',
    access: { permission: 'manageMembers' },
    params: ZOrganizationParams,
    query: ZPageQuery,
    status: 200,
    output: z.object({ members: z.array(ZMemberView), nextCursor: ZNextCursor }),
  }),
  addMember: defineRoute({
    method: 'POST',
    path: '/api/v1/organizations/{id}/members',
    operationId: 'addMember',
    tag: 'Members',
    summary: 'Add someone by e-mail',
    summaryJa: 'メールアドレスでメンバーを加える',
    description: 'Someone who has never signed in is added too: their first sign-in with that address links them. Only an owner may make someone an owner.',
    access: { permission: 'manageMembers' },
    params: ZOrganizationParams,
    body: ZAddMember,
    status: 201,
    output: z.object({ member: ZMemberView }),
  }),
  changeMemberRole: defineRoute({
    method: 'PATCH',
    path: '/api/v1/organizations/{id}/members/{userId}',
    operationId: 'changeMemberRole',
    tag: 'Members',
    summary: 'Change a member\'s role',
    summaryJa: 'メンバーのロールを変える',
    description: 'Only an owner may change an owner or make someone an owner; the last owner stays one (409).',
    access: { permission: 'manageMembers' },
    params: ZMemberParams,
    body: ZChangeRole,
    status: 200,
    output: z.object({ member: ZMemberView }),
  }),
  removeMember: defineRoute({
    method: 'DELETE',
    path: '/api/v1/organizations/{id}/members/{userId}',
    operationId: 'removeMember',
    tag: 'Members',
    summary: 'Remove a member and revoke their API tokens here',
    summaryJa: 'メンバーを外し、この組織での API トークンを無効にする',
    description: 'Only an owner may remove an owner; the last owner stays (409).',
    access: { permission: 'manageMembers' },
    params: ZMemberParams,
    status: 204,
    output: z.void(),
  }),
  listTokens: defineRoute({
    method: 'GET',
    path: '/api/v1/organizations/{id}/tokens',
    operationId: 'listTokens',
    tag: 'API tokens',
    summary: 'The organization\'s API tokens with status and last use, newest first',
    summaryJa: '組織の API トークンと状態、最終使用 (新しい順)',
    description: 'Never their secrets.',
    access: { permission: 'manageTokens' },
    params: ZOrganizationParams,
    query: ZPageQuery,
    status: 200,
    output: z.object({ tokens: z.array(ZTokenView), nextCursor: ZNextCursor }),
  }),
  issueToken: defineRoute({
    method: 'POST',
    path: '/api/v1/organizations/{id}/tokens',
    operationId: 'issueToken',
    tag: 'API tokens',
    summary: 'Issue an API token that acts as a member',
    summaryJa: 'メンバーとして動く API トークンを発行する',
    description: 'The secret is in this answer only (sent with Cache-Control: no-store); the portal keeps its hash. Only an owner may issue a token for an owner.',
    access: { permission: 'manageTokens' },
    params: ZOrganizationParams,
    body: ZIssueToken,
    secret: true,
    status: 201,
    output: ZIssuedToken,
  }),
  revokeToken: defineRoute({
    method: 'DELETE',
    path: '/api/v1/tokens/{id}',
    operationId: 'revokeToken',
    tag: 'API tokens',
    summary: 'Revoke an API token at once',
    summaryJa: 'API トークンを直ちに無効にする',
    description: 'Revoking it again changes nothing.',
    access: { permission: 'manageTokens' },
    params: ZIdParams,
    status: 200,
    output: z.object({ token: ZTokenView }),
  }),
  getOrganizationSshPublicKey: defineRoute({
    method: 'GET',
    path: '/api/v1/organizations/{id}/ssh-public-key',
    operationId: 'getOrganizationSshPublicKey',
    tag: 'Hosts',
    summary: 'The key the portal signs in to the organization\'s servers with',
    summaryJa: 'ポータルが組織のサーバーにサインインするときの鍵',
    description: 'Add it to ~/.ssh/authorized_keys of each server. The key pair is made on the first call; its private key never leaves the portal.',
    access: { permission: 'read' },
    params: ZOrganizationParams,
    status: 200,
    output: ZSshPublicKey,
  }),
};
