// An organization's cloud accounts as the API shows them: never their credentials (sealed at rest),
// only the hint that identifies them; and what a connection test found.
import { z } from 'zod';
import { ZLocalizedText, ZTimestamp } from '@/lib/api/schemas/common';

export const ZProviderAccountView = z
  .object({
    id: z.uuid(),
    organizationId: z.uuid(),
    provider: z.string().describe('A provider id of GET /api/v1/providers.'),
    name: z.string(),
    region: z.string().nullable().describe('Region or zone (ap-northeast-1, japaneast, is1a, …); null where the provider has none.'),
    network: z.record(z.string(), z.string()).describe('Where its nodes go, in the provider\'s own terms (VPC, subnet, security group, image, …).'),
    credentialHint: z.string().describe('What identifies the credentials without revealing them (an access key id, a client id); the credentials themselves are never answered.'),
    isDefault: z.boolean().describe('The account builds on this provider use when none is named.'),
    lastTestAt: ZTimestamp.nullable(),
    lastTestOk: z.boolean().nullable(),
    lastTestCode: z.string().nullable().describe('The provider\'s error code when the last connection test failed.'),
    lastTestMessage: z.string().nullable(),
    createdAt: ZTimestamp,
    updatedAt: ZTimestamp,
  })
  .meta({ id: 'ProviderAccount' });

export const ZAccountTest = z
  .object({
    ok: z.boolean(),
    code: z.string().nullable().describe('The provider\'s error code, when it refused.'),
    message: z.string().describe('What happened, in the provider\'s words.'),
    advice: ZLocalizedText.optional().describe('What to do next, when it failed.'),
  })
  .meta({ id: 'ProviderAccountTest' });

export type ProviderAccountView = z.input<typeof ZProviderAccountView>;
export type AccountTestView = z.input<typeof ZAccountTest>;
