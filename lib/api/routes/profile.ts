// The caller's own profile: the SSH public keys the nodes they may log in to install.
import { z } from 'zod';
import { defineRoute } from '@/lib/api/contract';
import { ZNextCursor, ZPageQuery } from '@/lib/api/pagination';
import { ZIdParams } from '@/lib/api/schemas/common';
import { ZAddSshKeyInput, ZSshKey } from '@/lib/ssh-keys/user-keys';

const PORTAL_ONLY = 'An API token may list its member\'s keys but never add or delete one (a 403): a key logs its member in beyond the token\'s organization.';

export const profileRoutes = {
  listSshKeys: defineRoute({
    method: 'GET',
    path: '/api/v1/me/ssh-keys',
    operationId: 'listSshKeys',
    tag: 'SSH keys',
    summary: 'The caller\'s SSH public keys (a token\'s: its member\'s), newest first',
    summaryJa: '自分の SSH 公開鍵 (トークンならそのメンバーの、新しい順)',
    access: 'signedIn',
    query: ZPageQuery,
    status: 200,
    output: z.object({ keys: z.array(ZSshKey), nextCursor: ZNextCursor }),
  }),
  addSshKey: defineRoute({
    method: 'POST',
    path: '/api/v1/me/ssh-keys',
    operationId: 'addSshKey',
    tag: 'SSH keys',
    summary: 'Add an SSH public key: installed on the nodes the caller may log in to',
    summaryJa: 'SSH 公開鍵を加える: ログインできるノードに置かれる',
    description: `Without \`name\`, the comment of the pasted line. ${PORTAL_ONLY}`,
    access: 'signedIn',
    body: ZAddSshKeyInput,
    status: 201,
    output: z.object({ key: ZSshKey }),
  }),
  deleteSshKey: defineRoute({
    method: 'DELETE',
    path: '/api/v1/me/ssh-keys/{id}',
    operationId: 'deleteSshKey',
    tag: 'SSH keys',
    summary: 'Delete one of the caller\'s SSH keys: removed from the nodes',
    summaryJa: '自分の SSH 鍵を削除する: ノードからも消える',
    description: PORTAL_ONLY,
    access: 'signedIn',
    params: ZIdParams,
    status: 204,
    output: z.void(),
  }),
};
