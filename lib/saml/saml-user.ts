import { eq, sql } from 'drizzle-orm';
import type { Transaction } from '@/lib/db/client';
import { users } from '@/lib/db/schema';
import type { GakuninAttributes } from './assertion';
import type { SamlIdp } from './config';
import { SamlRefusal } from './refusal';

export type VerifiedAttributes = GakuninAttributes & { eppn: string; mail: string };

function inScope(domain: string, scopes: string[]): boolean {
  const d = domain.toLowerCase();
  return scopes.some((s) => d === s.toLowerCase() || d.endsWith(`.${s.toLowerCase()}`));
}

/** Refuses attributes the portal cannot key a user on, or an ePPN the IdP may not vouch for. */
export function requireUsableAttributes(attributes: GakuninAttributes, idp: SamlIdp): VerifiedAttributes {
  const { eppn, mail } = attributes;
  if (!eppn || !mail) throw new SamlRefusal('missingAttribute', `missing ${[!eppn && 'eduPersonPrincipalName', !mail && 'mail'].filter(Boolean).join(' and ')}`);
  const scope = eppn.split('@')[1];
  if (idp.scopes && (!scope || !inScope(scope, idp.scopes))) throw new SamlRefusal('scope', `eppn ${eppn} is outside the scopes ${idp.scopes.join(', ')} of ${idp.id}`);
  return { ...attributes, eppn, mail };
}

/**
 * The portal user for a GakuNin identity, keyed on the ePPN: the known user (profile refreshed from
 * the IdP, which is authoritative), else a user with the same mail (seeded or invited) linked on
 * first sign-in, else a new user. Never touches memberships: joining an organization is separate.
 */
export async function upsertSamlUser(tx: Transaction, a: VerifiedAttributes, idp: SamlIdp): Promise<string> {
  const profile = {
    affiliation: a.affiliation,
    lastSignInAt: sql`now()`,
    updatedAt: sql`now()`,
    ...(a.displayName || a.jaDisplayName ? { name: a.displayName ?? a.jaDisplayName } : {}),
    ...(a.jaDisplayName ? { nameJa: a.jaDisplayName } : {}),
    ...(a.jaOrganizationName || a.organizationName ? { organizationName: a.jaOrganizationName ?? a.organizationName } : {}),
  };
  const byEppn = await tx.query.users.findFirst({ where: eq(users.eppn, a.eppn) });
  const byMail = await tx.query.users.findFirst({ where: eq(users.email, a.mail) });
  if (byEppn) {
    // A changed mail follows the IdP unless another user already has it.
    const mail = !byMail || byMail.id === byEppn.id ? { email: a.mail } : {};
    await tx.update(users).set({ ...profile, ...mail }).where(eq(users.id, byEppn.id));
    return byEppn.id;
  }
  if (byMail) {
    if (byMail.eppn) throw new SamlRefusal('accountConflict', `mail ${a.mail} belongs to the user with eppn ${byMail.eppn}`);
    const domain = a.mail.split('@')[1] ?? '';
    if (idp.scopes && !inScope(domain, idp.scopes)) throw new SamlRefusal('accountConflict', `mail ${a.mail} belongs to an existing user and is outside the scopes of ${idp.id}`);
    await tx.update(users).set({ ...profile, eppn: a.eppn }).where(eq(users.id, byMail.id));
    return byMail.id;
  }
  const [created] = await tx
    .insert(users)
    .values({ ...profile, email: a.mail, eppn: a.eppn, name: a.displayName ?? a.jaDisplayName ?? a.eppn, lastSignInAt: new Date(), updatedAt: new Date() })
    .returning({ id: users.id });
  return created!.id;
}
