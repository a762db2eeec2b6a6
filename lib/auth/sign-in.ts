import { and, eq, sql } from 'drizzle-orm';
import type { Database } from '@/lib/db/client';
import { users } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';

export interface IdentityClaims {
  issuer: string;
  subject: string;
  email?: string | null;
  name?: string | null;
  nameJa?: string | null;
}

/**
 * Finds or creates the portal user for an identity the IdP vouched for. A known identity wins;
 * otherwise a user invited by e-mail (seeded, or added by an admin) is linked on first sign-in.
 */
export async function upsertSignedInUser(db: Database, claims: IdentityClaims): Promise<string> {
  const byIdentity = await db.query.users.findFirst({ where: and(eq(users.idpIssuer, claims.issuer), eq(users.idpSubject, claims.subject)) });
  if (byIdentity) {
    await db.update(users).set({ lastSignInAt: sql`now()` }).where(eq(users.id, byIdentity.id));
    return byIdentity.id;
  }
  if (!claims.email) throw new AppError('FORBIDDEN', 'The identity provider did not send an e-mail address');
  const email = claims.email.toLowerCase();
  const byEmail = await db.query.users.findFirst({ where: eq(users.email, email) });
  // An e-mail already tied to another OIDC identity is not taken over by a second one.
  if (byEmail?.idpSubject) throw new AppError('FORBIDDEN', 'This e-mail address already belongs to an account that signs in with another identity');
  if (byEmail) {
    await db
      .update(users)
      .set({
        idpIssuer: claims.issuer,
        idpSubject: claims.subject,
        // Someone invited by e-mail only has the e-mail as a name until the IdP tells us theirs.
        name: byEmail.name === byEmail.email && claims.name ? claims.name : byEmail.name,
        nameJa: byEmail.nameJa ?? claims.nameJa ?? null,
        lastSignInAt: sql`now()`,
      })
      .where(eq(users.id, byEmail.id));
    return byEmail.id;
  }
  const [created] = await db
    .insert(users)
    .values({ email, name: claims.name ?? email, nameJa: claims.nameJa ?? null, idpIssuer: claims.issuer, idpSubject: claims.subject, lastSignInAt: new Date() })
    .returning();
  return created!.id;
}
