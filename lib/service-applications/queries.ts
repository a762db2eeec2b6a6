import { asc, desc, eq, sql } from 'drizzle-orm';
import type { Actor } from '@/lib/auth/actor';
import type { Database } from '@/lib/db/client';
import { applicationComments, institutions, organizations, serviceApplications, users, type Organization, type ServiceApplication } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { emailDomain, registrableDomain } from './domains';
import { institutionScopeFor } from './institution-domain';
import { actsAsStaff, COMMENTABLE_STATES, DECIDABLE_STATES, EDITABLE_STATES, SUBMITTABLE_STATES } from './states';

export interface ApplicationAccess {
  application: ServiceApplication;
  applicantEmail: string;
  isApplicant: boolean;
  isStaff: boolean;
}

/** The application if the actor is its applicant or NII staff; anyone else is told it does not exist. */
export async function loadApplication(db: Database, actor: Actor, id: string): Promise<ApplicationAccess> {
  const [row] = await db
    .select({ application: serviceApplications, applicantEmail: users.email })
    .from(serviceApplications)
    .innerJoin(users, eq(serviceApplications.applicantId, users.id))
    .where(eq(serviceApplications.id, id));
  const isApplicant = row?.application.applicantId === actor.userId;
  const isStaff = actsAsStaff(actor);
  if (!row || (!isApplicant && !isStaff)) throw new AppError('NOT_FOUND', 'No such application');
  return { ...row, isApplicant, isStaff };
}

export type ApplicationSummary = ServiceApplication & { applicantEmail: string };

/**
 * Staff: every application, those awaiting review first (oldest first). Others, and anyone
 * asking for `mine`: their own, newest first.
 */
export async function listApplications(db: Database, actor: Actor, opts: { mine?: boolean } = {}): Promise<ApplicationSummary[]> {
  const staff = actsAsStaff(actor) && !opts.mine;
  const rows = await db
    .select({ application: serviceApplications, applicantEmail: users.email })
    .from(serviceApplications)
    .innerJoin(users, eq(serviceApplications.applicantId, users.id))
    .where(staff ? undefined : eq(serviceApplications.applicantId, actor.userId))
    .orderBy(
      ...(staff ? [sql`case when ${serviceApplications.state} = 'submitted' then 0 else 1 end`, asc(serviceApplications.submittedAt)] : []),
      desc(serviceApplications.updatedAt),
    );
  return rows.map((r) => ({ ...r.application, applicantEmail: r.applicantEmail }));
}

export interface ThreadComment {
  id: string;
  body: string;
  createdAt: Date;
  authorName: string;
  authorEmail: string;
  authorIsStaff: boolean;
}

export type ApplicationDetail = ApplicationSummary & {
  comments: ThreadComment[];
  /** The applicant's institution, once known to the portal. */
  institution: { name: string; nameJa: string; domain: string } | null;
  /** Its mail domain: the contact address must be within it. */
  institutionDomain: string;
  organization: Pick<Organization, 'id' | 'name' | 'maxNodes' | 'maxNodesPerProvider'> | null;
  decidedByName: string | null;
  /** What the caller may do now, so pages show only the buttons that will work. */
  allowed: { edit: boolean; submit: boolean; comment: boolean; decide: boolean };
};

export async function getApplication(db: Database, actor: Actor, id: string): Promise<ApplicationDetail> {
  const { application: a, applicantEmail, isApplicant, isStaff } = await loadApplication(db, actor, id);
  const comments = await db
    .select({
      id: applicationComments.id,
      body: applicationComments.body,
      createdAt: applicationComments.createdAt,
      authorName: sql<string>`coalesce(${users.nameJa}, ${users.name})`,
      authorEmail: users.email,
      authorIsStaff: users.isStaff,
    })
    .from(applicationComments)
    .innerJoin(users, eq(applicationComments.authorId, users.id))
    .where(eq(applicationComments.applicationId, id))
    .orderBy(asc(applicationComments.createdAt), asc(applicationComments.id));
  const institution = a.institutionId
    ? await db.query.institutions.findFirst({ where: eq(institutions.id, a.institutionId) })
    : (await institutionScopeFor(db, applicantEmail)).institution;
  const organization = a.organizationId
    ? await db.query.organizations.findFirst({ where: eq(organizations.id, a.organizationId), columns: { id: true, name: true, maxNodes: true, maxNodesPerProvider: true } })
    : undefined;
  const decidedBy = a.decidedBy ? await db.query.users.findFirst({ where: eq(users.id, a.decidedBy) }) : undefined;
  const writer = actor.token?.role !== 'readonly';
  return {
    ...a,
    applicantEmail,
    comments,
    institution: institution ? { name: institution.name, nameJa: institution.nameJa, domain: institution.domain } : null,
    institutionDomain: institution?.domain ?? registrableDomain(emailDomain(applicantEmail)),
    organization: organization ?? null,
    decidedByName: decidedBy ? (decidedBy.nameJa ?? decidedBy.name) : null,
    allowed: {
      edit: writer && isApplicant && EDITABLE_STATES.includes(a.state),
      submit: writer && isApplicant && SUBMITTABLE_STATES.includes(a.state),
      comment: writer && COMMENTABLE_STATES.includes(a.state),
      decide: isStaff && DECIDABLE_STATES.includes(a.state),
    },
  };
}
