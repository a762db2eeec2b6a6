import { randomBytes } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import type { Database, Transaction } from '@/lib/db/client';
import { institutions, type Institution } from '@/lib/db/schema';
import { emailDomain, registrableDomain } from './domains';

type Db = Database | Transaction;

/** The institution of a mail address: the known one whose domain is the address's domain or a parent of it (the most specific wins). */
export async function findInstitutionFor(db: Db, email: string): Promise<Institution | undefined> {
  const labels = emailDomain(email).split('.');
  const candidates = labels.slice(0, -1).map((_, i) => labels.slice(i).join('.'));
  if (!candidates.length) return undefined;
  const rows = await db.select().from(institutions).where(inArray(institutions.domain, candidates));
  return rows.sort((a, b) => b.domain.length - a.domain.length)[0];
}

/** Where a user belongs: the known institution, or the domain it will have once created. */
export interface InstitutionScope {
  institution: Institution | undefined;
  domain: string;
}

export async function institutionScopeFor(db: Db, email: string): Promise<InstitutionScope> {
  const institution = await findInstitutionFor(db, email);
  return { institution, domain: institution?.domain ?? registrableDomain(emailDomain(email)) };
}

/** The institution with this domain, created (named `name`) if there is none yet. */
export async function ensureInstitution(tx: Transaction, domain: string, name: string): Promise<Institution> {
  const base = domain.replace(/[^a-z0-9]+/g, '-');
  // A clash on the domain means someone created it meanwhile; a clash on the slug alone gets a suffix.
  for (const slug of [base, `${base}-${randomBytes(3).toString('hex')}`]) {
    await tx.insert(institutions).values({ slug, name, nameJa: name, domain }).onConflictDoNothing();
    const [row] = await tx.select().from(institutions).where(eq(institutions.domain, domain));
    if (row) return row;
  }
  throw new Error(`Could not create an institution for ${domain}`);
}
