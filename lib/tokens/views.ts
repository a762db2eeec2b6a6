// API tokens as the API shows them: never their secret or its hash. The secret is answered once,
// when the token is issued.
import { z } from 'zod';
import { ZTimestamp } from '@/lib/api/schemas/common';
import { tokenRole } from '@/lib/db/schema';

export const ZTokenStatus = z.enum(['active', 'expired', 'revoked']);

export const ZTokenView = z
  .object({
    id: z.uuid(),
    organizationId: z.uuid(),
    userId: z.uuid().describe('The member the token acts as.'),
    userEmail: z.string(),
    userName: z.string(),
    note: z.string(),
    role: z.enum(tokenRole.enumValues).describe('fullaccess acts with the member\'s rights; readonly only reads.'),
    prefix: z.string().describe('The first characters of the secret, so people can tell tokens apart.'),
    status: ZTokenStatus,
    expiresAt: ZTimestamp,
    lastUsedAt: ZTimestamp.nullable(),
    revokedAt: ZTimestamp.nullable(),
    createdByEmail: z.string().describe('Who issued it.'),
    createdAt: ZTimestamp,
  })
  .meta({ id: 'ApiToken' });

export const ZIssuedToken = z
  .object({
    token: ZTokenView,
    secret: z.string().describe('The token itself, for `Authorization: Bearer`: shown here once and never again (only its hash is kept).'),
  })
  .meta({ id: 'IssuedApiToken' });

export type TokenStatus = z.infer<typeof ZTokenStatus>;
export type TokenView = z.input<typeof ZTokenView>;
export type IssuedTokenView = z.input<typeof ZIssuedToken>;
