import { eq, sql } from 'drizzle-orm';
import { recordAudit, type RequestMeta } from '@/lib/audit/record';
import type { Actor } from '@/lib/auth/actor';
import type { Database, Transaction } from '@/lib/db/client';
import { memberships, organizations, serviceApplications, type Organization, type ServiceApplication } from '@/lib/db/schema';
import { AppError, invalidInput } from '@/lib/errors';
import { parseOrThrow } from '@/lib/zod-fields';
import { emailDomain, registrableDomain } from './domains';
import { ensureInstitution, findInstitutionFor } from './institution-domain';
import { notifyDecision } from './notifications';
import { loadApplication } from './queries';
import { DECIDABLE_STATES, stateConflict } from './states';
import { ZDecisionInput, type DecisionInput } from './validation';

const NEXT_STATE = { approve: 'approved', reject: 'rejected', request_changes: 'changes_requested' } as const;
const AUDIT_ACTION = { approve: 'application.approve', reject: 'application.reject', request_changes: 'application.requestChanges' } as const;

export interface DecisionResult {
  application: ServiceApplication;
  /** Set on approval. */
  organization?: Organization;
}

/**
 * NII staff decide a submitted application: approve (its organization becomes active with the
 * given quotas and the applicant as owner, all in one transaction), reject, or return it for
 * changes. The reason is required and goes to the applicant by e-mail.
 */
export async function decideApplication(db: Database, actor: Actor, id: string, rawInput: unknown, meta: RequestMeta = { ip: null }): Promise<DecisionResult> {
  const { application, applicantEmail, isStaff } = await loadApplication(db, actor, id);
  if (!isStaff) throw new AppError('FORBIDDEN', 'Only NII staff decide applications');
  const input = parseOrThrow(ZDecisionInput, rawInput);
  if (!DECIDABLE_STATES.includes(application.state)) throw stateConflict('decide', application.state, DECIDABLE_STATES);

  const result = await db.transaction(async (tx) => {
    // Locked, so two staff deciding at once are decided one after the other (the second gets a conflict).
    const [current] = await tx.select().from(serviceApplications).where(eq(serviceApplications.id, id)).for('update');
    if (!current || !DECIDABLE_STATES.includes(current.state)) throw stateConflict('decide', current?.state ?? application.state, DECIDABLE_STATES);
    const organization = input.decision === 'approve' ? await createApprovedOrganization(tx, current, applicantEmail, input) : undefined;
    const [decided] = await tx
      .update(serviceApplications)
      .set({
        state: NEXT_STATE[input.decision],
        decisionReason: input.reason,
        decidedBy: actor.userId,
        decidedAt: sql`now()`,
        updatedAt: sql`now()`,
        ...(organization ? { organizationId: organization.id, institutionId: organization.institutionId } : {}),
      })
      .where(eq(serviceApplications.id, id))
      .returning();
    return { application: decided!, organization };
  });

  const mailError = await notifyDecision(result.application, applicantEmail, input.decision, input.reason, result.organization);
  const { organization } = result;
  await recordAudit(db, {
    actor,
    organizationId: organization?.id ?? null,
    action: AUDIT_ACTION[input.decision],
    targetType: 'serviceApplication',
    targetId: id,
    ipAddress: meta.ip,
    outcome: 'success',
    details: {
      reason: input.reason,
      organizationName: application.organizationName,
      ...(organization ? { organizationId: organization.id, maxNodes: organization.maxNodes, maxNodesPerProvider: organization.maxNodesPerProvider } : {}),
      ...(mailError ? { mailError } : {}),
    },
  });
  if (organization)
    await recordAudit(db, {
      actor,
      organizationId: organization.id,
      action: 'organization.create',
      targetType: 'organization',
      targetId: organization.id,
      ipAddress: meta.ip,
      outcome: 'success',
      details: { name: organization.name, kind: organization.kind, applicationId: id, owner: applicantEmail, maxNodes: organization.maxNodes, maxNodesPerProvider: organization.maxNodesPerProvider },
    });
  return result;
}

async function createApprovedOrganization(tx: Transaction, app: ServiceApplication, applicantEmail: string, input: DecisionInput): Promise<Organization> {
  const maxNodes = input.maxNodes ?? app.expectedNodes;
  const perProvider = input.maxNodesPerProvider ?? {};
  const tooMany = Object.entries(perProvider).find(([, n]) => n > maxNodes);
  if (tooMany) throw invalidInput({ [`maxNodesPerProvider.${tooMany[0]}`]: `must not exceed the total of ${maxNodes}` });
  // The institution of the applicant's domain; the first approved application of a new one creates it.
  const domain = registrableDomain(emailDomain(applicantEmail));
  const institution = (await findInstitutionFor(tx, applicantEmail)) ?? (await ensureInstitution(tx, domain, app.organizationKind === 'institution' ? app.organizationName : domain));
  const [organization] = await tx
    .insert(organizations)
    .values({ institutionId: institution.id, name: app.organizationName, kind: app.organizationKind, department: app.department, state: 'active', maxNodes, maxNodesPerProvider: perProvider })
    .onConflictDoNothing()
    .returning();
  if (!organization) throw new AppError('CONFLICT', `${institution.nameJa} already has an organization named "${app.organizationName}"; ask the applicant for another name (request changes)`);
  await tx.insert(memberships).values({ organizationId: organization.id, userId: app.applicantId, role: 'owner' });
  return organization;
}
