import { z } from 'zod';
import { providerCatalog } from '@/lib/providers/catalog';
import type { Localized } from '@/lib/providers/types';

export interface ProviderChoice {
  id: string;
  label: Localized;
  /** False for clouds the portal cannot build on yet (a wish only). */
  available: boolean;
}

/** Providers an application may ask for: those builds can use first, then the clouds still to come. */
export function providerChoices(): ProviderChoice[] {
  const all = providerCatalog().map((p) => ({ id: p.id, label: p.label, available: p.available }));
  return [...all.filter((p) => p.available), ...all.filter((p) => !p.available)];
}

const ids = () => providerChoices().map((p) => p.id);

const required = (max: number) =>
  z
    .string({ error: 'is required' })
    .trim()
    .min(1, 'is required')
    .max(max, `must be at most ${max} characters`);
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `must be at most ${max} characters`)
    .nullish()
    .transform((v) => v || null);

export const ZOrganizationKind = z.enum(['lab', 'department', 'institution'], { error: 'must be lab, department or institution' });

export const ZApplicationInput = z.object({
  organizationName: required(100),
  organizationKind: ZOrganizationKind,
  department: optionalText(100),
  applicantName: required(100),
  contactEmail: z.string({ error: 'is required' }).trim().toLowerCase().pipe(z.email('must be an e-mail address')),
  purpose: required(2000),
  expectedStudents: z
    .union([z.literal('').transform(() => null), z.coerce.number({ error: 'must be a whole number' }).int('must be a whole number').min(0, 'must be 0 or more').max(100_000, 'must be at most 100000')])
    .nullish()
    .transform((v) => v ?? null),
  expectedNodes: z.coerce.number({ error: 'must be a whole number from 1 to 10000' }).int('must be a whole number from 1 to 10000').min(1, 'must be at least 1').max(10_000, 'must be at most 10000'),
  wantedProviders: z
    .array(z.string(), { error: 'choose at least one provider' })
    .min(1, 'choose at least one provider')
    .transform((list) => [...new Set(list)])
    .refine((list) => list.every((id) => ids().includes(id)), { error: () => `may only name ${ids().join(', ')}` }),
  networkNeeds: optionalText(2000),
});
export type ApplicationInput = z.infer<typeof ZApplicationInput>;

/** An edit: any subset of the fields. */
export const ZApplicationPatch = ZApplicationInput.partial();

const ZNodeCount = z.coerce.number({ error: 'must be a whole number' }).int('must be a whole number').min(0, 'must be 0 or more').max(10_000, 'must be at most 10000');

export const ZDecisionInput = z
  .object({
    decision: z.enum(['approve', 'reject', 'request_changes'], { error: 'must be approve, reject or request_changes' }),
    reason: required(4000),
    /** Approve only; defaults to the application's expected nodes. */
    maxNodes: ZNodeCount.min(1, 'must be at least 1').optional(),
    /** Approve only; a provider left out is limited only by maxNodes. */
    maxNodesPerProvider: z.record(z.string(), ZNodeCount).optional(),
  })
  .superRefine((d, ctx) => {
    for (const [provider, n] of Object.entries(d.maxNodesPerProvider ?? {})) {
      if (!ids().includes(provider)) ctx.addIssue({ code: 'custom', path: ['maxNodesPerProvider', provider], message: `is not a provider (${ids().join(', ')})` });
      else if (d.maxNodes !== undefined && n > d.maxNodes) ctx.addIssue({ code: 'custom', path: ['maxNodesPerProvider', provider], message: `must not exceed the total of ${d.maxNodes}` });
    }
  });
export type DecisionInput = z.infer<typeof ZDecisionInput>;

export const ZCommentInput = z.object({ body: required(4000) });

export const ZDirectOrganizationInput = z.object({
  organizationName: required(100),
  organizationKind: ZOrganizationKind,
  department: optionalText(100),
  maxNodes: z.coerce.number({ error: 'must be a whole number' }).int('must be a whole number').min(1, 'must be at least 1').max(10_000, 'must be at most 10000').default(10),
});
