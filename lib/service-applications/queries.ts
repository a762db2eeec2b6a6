import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { afterCursor, cursorColumn, pageOf, pageOrder, type PageQuery } from '@/lib/api/pagination';
import type { Actor } from '@/lib/auth/actor';
import type { Database } from '@/lib/db/client';
import { applicationComments, institutions, organizations, serviceApplications, users, type ServiceApplication, type ServiceApplicationState } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { emailDomain, registrableDomain } from './domains';
import { institutionScopeFor } from './institution-domain';
import { actsAsStaff, COMMENTABLE_STATES, DECIDABLE_STATES, EDITABLE_STATES, SUBMITTABLE_STATES } from './states';
import type { ApplicationCommentView, ApplicationDetailView, ApplicationSummaryView } from './views';

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

/** The list's row: the application without its long texts. */
function summaryOf(a: ServiceApplication, applicantEmail: string): ApplicationSummaryView {
  return {
    id: a.id,
    state: a.state,
    organizationName: a.organizationName,
    organizationKind: a.organizationKind,
    department: a.department,
    applicantName: a.applicantName,
    applicantEmail,
    expectedNodes: a.expectedNodes,
    organizationId: a.organizationId,
    submittedAt: a.submittedAt,
    decidedAt: a.decidedAt,
    createdAt: a.createdAt,
    updatedAt: a.updatedAt,
  };
}

/** Staff (in the browser, unless they ask for `mine`) see every application; others their own. */
const visibleTo = (actor: Actor, mine = false) => (actsAsStaff(actor) && !mine ? undefined : eq(serviceApplications.applicantId, actor.userId));

/**
 * For the portal's pages, all at once. Staff: every application, those awaiting review first
 * (oldest first). Others, and anyone asking for `mine`: their own, newest first.
 */
export async function listApplications(db: Database, actor: Actor, opts: { mine?: boolean } = {}): Promise<ApplicationSummaryView[]> {
  const staff = actsAsStaff(actor) && !opts.mine;
  const rows = await db
    .select({ application: serviceApplications, applicantEmail: users.email })
    .from(serviceApplications)
    .innerJoin(users, eq(serviceApplications.applicantId, users.id))
    .where(visibleTo(actor, opts.mine))
    .orderBy(
      ...(staff ? [sql`case when ${serviceApplications.state} = 'submitted' then 0 else 1 end`, asc(serviceApplications.submittedAt)] : []),
      desc(serviceApplications.updatedAt),
    );
  return rows.map((r) => summaryOf(r.application, r.applicantEmail));
}

export interface ApplicationPageQuery extends PageQuery {
  state?: ServiceApplicationState;
}

/** For the API: staff every application, others their own, in one state if asked, newest first, a page at a time. */
export async function listApplicationPage(db: Database, actor: Actor, query: ApplicationPageQuery = { limit: 50 }): Promise<{ applications: ApplicationSummaryView[]; nextCursor: string | null }> {
  const keyset = { sort: serviceApplications.createdAt, id: serviceApplications.id };
  const rows = await db
    .select({ application: serviceApplications, applicantEmail: users.email, id: serviceApplications.id, cursor: cursorColumn(keyset) })
    .from(serviceApplications)
    .innerJoin(users, eq(serviceApplications.applicantId, users.id))
    .where(and(visibleTo(actor), query.state ? eq(serviceApplications.state, query.state) : undefined, afterCursor(keyset, query.cursor)))
    .orderBy(...pageOrder(keyset))
    .limit(query.limit + 1);
  const { items, nextCursor } = pageOf(rows, query.limit);
  return { applications: items.map((r) => summaryOf(r.application, r.applicantEmail)), nextCursor };
}

const commentColumns = {
  id: applicationComments.id,
  body: applicationComments.body,
  createdAt: applicationComments.createdAt,
  authorName: sql<string>`coalesce(${users.nameJa}, ${users.name})`,
  authorEmail: users.email,
  authorIsStaff: users.isStaff,
};

/** One comment of a thread, as the thread shows it. */
export async function getComment(db: Database, commentId: string): Promise<ApplicationCommentView> {
  const [comment] = await db.select(commentColumns).from(applicationComments).innerJoin(users, eq(applicationComments.authorId, users.id)).where(eq(applicationComments.id, commentId));
  if (!comment) throw new AppError('NOT_FOUND', 'No such comment');
  return comment;
}

export async function getApplication(db: Database, actor: Actor, id: string): Promise<ApplicationDetailView> {
  const { application: a, applicantEmail, isApplicant, isStaff } = await loadApplication(db, actor, id);
  const comments = await db
    .select(commentColumns)
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
    ...summaryOf(a, applicantEmail),
    contactEmail: a.contactEmail,
    purpose: a.purpose,
    expectedStudents: a.expectedStudents,
    wantedProviders: a.wantedProviders,
    networkNeeds: a.networkNeeds,
    decisionReason: a.decisionReason,
    decidedByName: decidedBy ? (decidedBy.nameJa ?? decidedBy.name) : null,
    institution: institution ? { name: institution.name, nameJa: institution.nameJa, domain: institution.domain } : null,
    institutionDomain: institution?.domain ?? registrableDomain(emailDomain(applicantEmail)),
    organization: organization ? { id: organization.id, name: organization.name, maxNodes: organization.maxNodes, maxNodesPerProvider: organization.maxNodesPerProvider } : null,
    comments,
    allowed: {
      edit: writer && isApplicant && EDITABLE_STATES.includes(a.state),
      submit: writer && isApplicant && SUBMITTABLE_STATES.includes(a.state),
      comment: writer && COMMENTABLE_STATES.includes(a.state),
      decide: isStaff && DECIDABLE_STATES.includes(a.state),
    },
  };
}
