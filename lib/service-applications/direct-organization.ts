import { and, asc, eq, inArray } from 'drizzle-orm';
import { recordAudit, type RequestMeta } from '@/lib/audit/record';
import type { Actor } from '@/lib/auth/actor';
import type { Database, Transaction } from '@/lib/db/client';
import { institutions, memberships, organizations, users, type Organization } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { parseOrThrow } from '@/lib/zod-fields';
import { requireEdition } from './edition';
import { ensureInstitution, institutionScopeFor } from './institution-domain';
import { refuseReadOnlyToken } from './states';
import { ZDirectOrganizationInput } from './validation';

// The portable edition: an institution runs the portal itself, so nobody approves. The first user
// of an institution creates its organization; later ones are added by its owner or admins.

export interface ExistingOrganization {
  name: string;
  /** Owners' and admins' addresses: whom to ask to be added. */
  admins: string[];
}

export interface DirectCreationStatus {
  institutionName: string | null;
  domain: string;
  /** Empty: the caller may create the institution's organization. */
  existing: ExistingOrganization[];
}

async function organizationsOf(db: Database | Transaction, institutionId: string): Promise<ExistingOrganization[]> {
  const rows = await db
    .select({ name: organizations.name, email: users.email })
    .from(organizations)
    .leftJoin(memberships, and(eq(memberships.organizationId, organizations.id), inArray(memberships.role, ['owner', 'admin'])))
    .leftJoin(users, eq(memberships.userId, users.id))
    .where(eq(organizations.institutionId, institutionId))
    .orderBy(asc(organizations.name), asc(users.email));
  const byName = new Map<string, string[]>();
  for (const r of rows) {
    const admins = byName.get(r.name) ?? [];
    if (r.email) admins.push(r.email);
    byName.set(r.name, admins);
  }
  return [...byName].map(([name, admins]) => ({ name, admins }));
}

/** Whether the caller's institution still lacks an organization (and if not, whom to ask). */
export async function directCreationStatus(db: Database, actor: Actor): Promise<DirectCreationStatus> {
  const scope = await institutionScopeFor(db, actor.email);
  return {
    institutionName: scope.institution?.nameJa ?? null,
    domain: scope.domain,
    existing: scope.institution ? await organizationsOf(db, scope.institution.id) : [],
  };
}

/** Portable edition only: creates the first organization of the caller's institution, with the caller as owner. */
export async function createOrganizationDirectly(db: Database, actor: Actor, rawInput: unknown, meta: RequestMeta = { ip: null }): Promise<Organization> {
  requireEdition('portable');
  refuseReadOnlyToken(actor);
  const input = parseOrThrow(ZDirectOrganizationInput, rawInput);
  const organization = await db.transaction(async (tx) => {
    const scope = await institutionScopeFor(tx, actor.email);
    const institution = scope.institution ?? (await ensureInstitution(tx, scope.domain, input.organizationKind === 'institution' ? input.organizationName : scope.domain));
    // Locking the institution makes two first users arriving together take turns: the second sees the first's organization.
    await tx.select({ id: institutions.id }).from(institutions).where(eq(institutions.id, institution.id)).for('update');
    const existing = await organizationsOf(tx, institution.id);
    if (existing.length) {
      const who = existing.flatMap((o) => o.admins);
      throw new AppError(
        'CONFLICT',
        `${institution.nameJa} already has its organization on this portal (${existing.map((o) => o.name).join(', ')}); ask its admin${who.length ? ` (${who.join(', ')})` : ''} to add you`,
        { existing },
      );
    }
    const [created] = await tx
      .insert(organizations)
      .values({ institutionId: institution.id, name: input.organizationName, kind: input.organizationKind, department: input.department, state: 'active', maxNodes: input.maxNodes })
      .returning();
    await tx.insert(memberships).values({ organizationId: created!.id, userId: actor.userId, role: 'owner' });
    return created!;
  });
  await recordAudit(db, {
    actor,
    organizationId: organization.id,
    action: 'organization.create',
    targetType: 'organization',
    targetId: organization.id,
    ipAddress: meta.ip,
    outcome: 'success',
    details: { name: organization.name, kind: organization.kind, edition: 'portable', maxNodes: organization.maxNodes },
  });
  return organization;
}
