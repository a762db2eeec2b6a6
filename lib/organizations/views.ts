// Organizations and their members as the API shows them: quotas, the caller's role and rights,
// members' names and roles. No institution id, sealed key or token leaves here.
import { z } from 'zod';
import { ZTimestamp } from '@/lib/api/schemas/common';
import type { Permission } from '@/lib/auth/actor';
import { memberRole, organizationKind, organizationState } from '@/lib/db/schema';

export const ZMemberRole = z.enum(memberRole.enumValues).describe('owner (VC責任者), admin (VC管理者), user (VC利用者) or viewer (read only).');

/** The rights an organization's list shows the caller, in this order. */
export const PERMISSIONS = ['read', 'build', 'manageMembers', 'manageTokens', 'manageHosts', 'manageAccounts', 'readAudit'] as const satisfies readonly Permission[];

export const ZOrganizationView = z
  .object({
    id: z.uuid(),
    name: z.string(),
    kind: z.enum(organizationKind.enumValues),
    department: z.string().nullable(),
    state: z.enum(organizationState.enumValues),
    maxNodes: z.number().int().describe('Most nodes alive at once across all providers.'),
    maxNodesPerProvider: z.record(z.string(), z.number().int()).describe('Most nodes per provider id; a provider not listed is limited only by maxNodes.'),
    extensionAutoApproveDays: z.number().int().describe('An extension of a unit group\'s end date by at most this many days is approved at once.'),
    expiryGraceDays: z.number().int().describe('Days an expired unit group stays (powered off) before it is deleted.'),
    institutionName: z.string(),
    institutionNameJa: z.string(),
    role: ZMemberRole.nullable().describe('The caller\'s role; null for NII staff looking at an organization they do not belong to.'),
    permissions: z.array(z.enum(PERMISSIONS)).describe('What the caller may do there, so clients offer only what will work.'),
  })
  .meta({ id: 'Organization' });

/** The organization the portable edition's first user created. */
export const ZCreatedOrganization = z
  .object({
    id: z.uuid(),
    name: z.string(),
    kind: z.enum(organizationKind.enumValues),
    department: z.string().nullable(),
    state: z.enum(organizationState.enumValues),
    maxNodes: z.number().int(),
    createdAt: ZTimestamp,
  })
  .meta({ id: 'CreatedOrganization' });

export const ZExpiryPolicy = z
  .object({
    extensionAutoApproveDays: z.number().int().describe('An extension by at most this many days is approved at once; a longer one goes to NII staff.'),
    expiryGraceDays: z.number().int().describe('Days an expired unit group stays (powered off) before it is deleted.'),
  })
  .meta({ id: 'ExpiryPolicy' });

export const ZMemberView = z
  .object({
    userId: z.uuid(),
    email: z.string(),
    name: z.string(),
    nameJa: z.string().nullable(),
    role: ZMemberRole,
    joinedAt: ZTimestamp,
    lastSignInAt: ZTimestamp.nullable(),
  })
  .meta({ id: 'Member' });

export type OrganizationView = z.input<typeof ZOrganizationView>;
export type CreatedOrganizationView = z.input<typeof ZCreatedOrganization>;
export type MemberView = z.input<typeof ZMemberView>;
