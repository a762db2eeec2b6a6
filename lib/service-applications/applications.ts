import { and, eq, inArray, sql } from 'drizzle-orm';
import { recordAudit, type RequestMeta } from '@/lib/audit/record';
import type { Actor } from '@/lib/auth/actor';
import type { Database } from '@/lib/db/client';
import { organizations, serviceApplications, type ServiceApplication } from '@/lib/db/schema';
import { AppError, invalidInput } from '@/lib/errors';
import { parseOrThrow } from '@/lib/zod-fields';
import { requireEdition } from './edition';
import { emailDomain, withinDomain } from './domains';
import { institutionScopeFor, type InstitutionScope } from './institution-domain';
import { notifySubmitted } from './notifications';
import { loadApplication } from './queries';
import { EDITABLE_STATES, refuseReadOnlyToken, stateConflict, SUBMITTABLE_STATES } from './states';
import { ZApplicationInput, ZApplicationPatch } from './validation';

// The applicant's side of an application: write a draft, edit it, submit it.

function checkContactEmail(contactEmail: string, scope: InstitutionScope): void {
  if (!withinDomain(emailDomain(contactEmail), scope.domain))
    throw invalidInput({ contactEmail: `must be an address of your institution's domain (${scope.domain} or a subdomain of it)` });
}

/** The applicant's own side of an application: staff and others may not write it. */
async function loadOwn(db: Database, actor: Actor, id: string) {
  const access = await loadApplication(db, actor, id);
  if (!access.isApplicant) throw new AppError('FORBIDDEN', 'Only the applicant may change or submit an application');
  refuseReadOnlyToken(actor);
  return access;
}

/** A new draft by the caller, for their own institution (the one of their e-mail domain). */
export async function createApplication(db: Database, actor: Actor, rawInput: unknown, meta: RequestMeta = { ip: null }): Promise<ServiceApplication> {
  requireEdition('service');
  refuseReadOnlyToken(actor);
  const input = parseOrThrow(ZApplicationInput, rawInput);
  const scope = await institutionScopeFor(db, actor.email);
  checkContactEmail(input.contactEmail, scope);
  const [created] = await db
    .insert(serviceApplications)
    .values({ ...input, applicantId: actor.userId, institutionId: scope.institution?.id ?? null, state: 'draft' })
    .returning();
  await recordAudit(db, {
    actor,
    action: 'application.create',
    targetType: 'serviceApplication',
    targetId: created!.id,
    ipAddress: meta.ip,
    outcome: 'success',
    details: { organizationName: input.organizationName, organizationKind: input.organizationKind, institutionDomain: scope.domain },
  });
  return created!;
}

/** Changes some fields of a draft, or of an application staff returned for changes. */
export async function updateApplication(db: Database, actor: Actor, id: string, rawInput: unknown, meta: RequestMeta = { ip: null }): Promise<ServiceApplication> {
  const { application, applicantEmail } = await loadOwn(db, actor, id);
  if (!EDITABLE_STATES.includes(application.state)) throw stateConflict('edit', application.state, EDITABLE_STATES);
  const patch = parseOrThrow(ZApplicationPatch, rawInput);
  const fields = Object.keys(patch).filter((k) => patch[k as keyof typeof patch] !== undefined);
  if (patch.contactEmail) checkContactEmail(patch.contactEmail, await institutionScopeFor(db, applicantEmail));
  const [updated] = await db
    .update(serviceApplications)
    // drizzle leaves out the fields that are undefined, i.e. not in the patch.
    .set({ ...patch, updatedAt: sql`now()` })
    .where(and(eq(serviceApplications.id, id), inArray(serviceApplications.state, [...EDITABLE_STATES])))
    .returning();
  // Staff decided (or the applicant submitted) between our read and this write.
  if (!updated) throw stateConflict('edit', (await loadApplication(db, actor, id)).application.state, EDITABLE_STATES);
  await recordAudit(db, {
    actor,
    action: 'application.update',
    targetType: 'serviceApplication',
    targetId: id,
    ipAddress: meta.ip,
    outcome: 'success',
    details: { fields, state: updated.state },
  });
  return updated;
}

/** Sends a draft (or a changed application) to NII staff for review, and tells staff and the applicant. */
export async function submitApplication(db: Database, actor: Actor, id: string, meta: RequestMeta = { ip: null }): Promise<ServiceApplication> {
  requireEdition('service');
  const { application, applicantEmail } = await loadOwn(db, actor, id);
  if (!SUBMITTABLE_STATES.includes(application.state)) throw stateConflict('submit', application.state, SUBMITTABLE_STATES);
  const scope = await institutionScopeFor(db, applicantEmail);
  // Re-checked here: the institution may have become known since the draft was written.
  checkContactEmail(application.contactEmail, scope);
  if (scope.institution) {
    const clash = await db.query.organizations.findFirst({ where: and(eq(organizations.institutionId, scope.institution.id), eq(organizations.name, application.organizationName)) });
    if (clash) throw invalidInput({ organizationName: `${scope.institution.nameJa} already has an organization named "${application.organizationName}"` });
  }
  const [submitted] = await db
    .update(serviceApplications)
    .set({ state: 'submitted', institutionId: scope.institution?.id ?? null, submittedAt: sql`now()`, updatedAt: sql`now()` })
    .where(and(eq(serviceApplications.id, id), inArray(serviceApplications.state, [...SUBMITTABLE_STATES])))
    .returning();
  if (!submitted) throw stateConflict('submit', (await loadApplication(db, actor, id)).application.state, SUBMITTABLE_STATES);
  const mailError = await notifySubmitted(db, submitted, applicantEmail);
  await recordAudit(db, {
    actor,
    action: 'application.submit',
    targetType: 'serviceApplication',
    targetId: id,
    ipAddress: meta.ip,
    outcome: 'success',
    details: { from: application.state, organizationName: submitted.organizationName, ...(mailError ? { mailError } : {}) },
  });
  return submitted;
}
