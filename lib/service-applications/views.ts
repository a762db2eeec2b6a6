// Service applications as the API shows them: no applicant or decider user ids, the thread with
// its authors' names, and what the caller may do now.
import { z } from 'zod';
import { ZTimestamp } from '@/lib/api/schemas/common';
import { organizationKind, serviceApplicationState } from '@/lib/db/schema';

export const ZApplicationState = z.enum(serviceApplicationState.enumValues).describe('draft → submitted → approved | rejected | changes_requested; changes_requested → (edited) → submitted again.');

export const ZApplicationSummary = z
  .object({
    id: z.uuid(),
    state: ZApplicationState,
    organizationName: z.string().describe('The organization applied for.'),
    organizationKind: z.enum(organizationKind.enumValues),
    department: z.string().nullable(),
    applicantName: z.string(),
    applicantEmail: z.string().describe('The applicant\'s own sign-in address.'),
    expectedNodes: z.number().int(),
    organizationId: z.uuid().nullable().describe('The organization made on approval.'),
    submittedAt: ZTimestamp.nullable(),
    decidedAt: ZTimestamp.nullable(),
    createdAt: ZTimestamp,
    updatedAt: ZTimestamp,
  })
  .meta({ id: 'ServiceApplicationSummary' });

export const ZApplicationComment = z
  .object({
    id: z.uuid(),
    body: z.string(),
    createdAt: ZTimestamp,
    authorName: z.string(),
    authorEmail: z.string(),
    authorIsStaff: z.boolean().describe('Written by NII staff (not the applicant).'),
  })
  .meta({ id: 'ApplicationComment' });

export const ZApprovedOrganization = z
  .object({
    id: z.uuid(),
    name: z.string(),
    maxNodes: z.number().int(),
    maxNodesPerProvider: z.record(z.string(), z.number().int()).describe('A provider left out is limited only by maxNodes.'),
  })
  .meta({ id: 'ApprovedOrganization' });

export const ZApplicationDetail = ZApplicationSummary.extend({
  contactEmail: z.string(),
  purpose: z.string(),
  expectedStudents: z.number().int().nullable(),
  wantedProviders: z.array(z.string()).describe('Provider ids (GET /api/v1/providers).'),
  networkNeeds: z.string().nullable(),
  decisionReason: z.string().nullable().describe('Why staff decided as they did; sent to the applicant.'),
  decidedByName: z.string().nullable(),
  institution: z.object({ name: z.string(), nameJa: z.string(), domain: z.string() }).nullable().describe('The applicant\'s institution, once known to the portal.'),
  institutionDomain: z.string().describe('The institution\'s mail domain: the contact address must be within it.'),
  organization: ZApprovedOrganization.nullable(),
  comments: z.array(ZApplicationComment).describe('The thread between applicant and NII staff, oldest first.'),
  allowed: z
    .object({ edit: z.boolean(), submit: z.boolean(), comment: z.boolean(), decide: z.boolean() })
    .describe('What the caller may do now, so pages show only the buttons that will work.'),
}).meta({ id: 'ServiceApplication' });

export const ZApplicationDecision = z
  .object({
    application: ZApplicationDetail,
    organization: ZApprovedOrganization.optional().describe('On approval: the organization made, with the applicant as its owner.'),
  })
  .meta({ id: 'ApplicationDecision' });

export type ApplicationSummaryView = z.input<typeof ZApplicationSummary>;
export type ApplicationCommentView = z.input<typeof ZApplicationComment>;
export type ApprovedOrganizationView = z.input<typeof ZApprovedOrganization>;
export type ApplicationDetailView = z.input<typeof ZApplicationDetail>;
