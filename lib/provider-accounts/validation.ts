import { z } from 'zod';
import { ACCOUNT_FIELDS, given } from '@/lib/providers/account-fields';
import { findProvider } from '@/lib/providers/catalog';
import { invalidInput } from '@/lib/errors';
import { fieldErrorsOf, parseOrThrow, ZResourceName } from '@/lib/zod-fields';

// What an admin sends about a provider account; the provider decides what credentials, region and
// network look like (lib/providers/account-fields.ts), and every message names its field.

const ZHead = z.object({
  provider: z.string({ error: 'is required' }).trim().min(1, 'is required'),
  name: ZResourceName,
  isDefault: z.boolean({ error: 'must be true or false' }).optional(),
});

const ZTexts = z.record(z.string(), z.string({ error: 'must be text' }), { error: 'must be an object' });

/**
 * A new account as the API documents it; what its provider needs in region, network and
 * credentials (and every message about them) is parseAddAccount's.
 */
export const ZAddAccountBody = ZHead.extend({
  region: z.string({ error: 'must be text or null' }).nullable().optional().describe('Region or zone, where the provider has them (GET /api/v1/providers names its fields).'),
  network: ZTexts.optional().describe('Where its nodes go, by the provider\'s own names (subnetId, securityGroupId, imageId, …).'),
  credentials: ZTexts.optional().describe('The provider\'s credentials: sealed at once, never answered again.'),
});

export interface AddAccountInput {
  provider: string;
  name: string;
  region: string | null;
  network: Record<string, string>;
  credentials: Record<string, string>;
  isDefault?: boolean;
}

/** The provider's fields, or a 400 naming `provider` when it takes no accounts. */
export function accountFieldsOf(providerId: string) {
  const fields = ACCOUNT_FIELDS[providerId];
  if (fields) return fields;
  const known = findProvider(providerId);
  const takes = Object.keys(ACCOUNT_FIELDS).join(', ');
  if (!known) throw invalidInput({ provider: `unknown provider "${providerId}"; accounts are for ${takes}` });
  throw invalidInput({ provider: `${providerId} takes no accounts${known.unavailableReason ? ` (${known.unavailableReason.en})` : ''}; accounts are for ${takes}` });
}

/** Checks a whole new account: every problem at once, each under its field (credentials.secretAccessKey, region, …). */
export function parseAddAccount(raw: unknown): AddAccountInput {
  const body = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const head = ZHead.safeParse(body);
  if (!head.success) throw invalidInput(fieldErrorsOf(head.error));
  const fields = accountFieldsOf(head.data.provider);
  const parts = z
    .object({ region: fields.region, network: fields.network, credentials: fields.credentials }, { error: 'must be an object' })
    .safeParse({ region: body.region ?? null, network: body.network ?? {}, credentials: body.credentials ?? {} });
  if (!parts.success) throw invalidInput(fieldErrorsOf(parts.error));
  return { ...head.data, region: parts.data.region, network: given(parts.data.network), credentials: given(parts.data.credentials) };
}

/** One part of an account checked on its own, its errors named as in a whole account (`network.subnetId`, `region`). */
export function parseAccountPart<K extends 'region' | 'network' | 'credentials'>(fields: ReturnType<typeof accountFieldsOf>, part: K, value: unknown): z.output<ReturnType<typeof accountFieldsOf>[K]> {
  return parseOrThrow(z.object({ [part]: fields[part] }), { [part]: value })[part] as z.output<ReturnType<typeof accountFieldsOf>[K]>;
}

export const ZUpdateAccount = z.strictObject({
  name: ZResourceName.optional(),
  region: z.unknown().optional().describe('Region or zone (text), or null where the provider has none; the provider decides what it takes.'),
  network: z.unknown().optional().describe('The whole network object, by the provider\'s own names.'),
  isDefault: z.boolean({ error: 'must be true or false' }).optional(),
});

export const ZReplaceCredentials = z.strictObject({ credentials: z.unknown().describe('The provider\'s credentials as a whole (an object of texts): sealed at once, never answered again.') });
