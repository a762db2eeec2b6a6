import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, isNull, lt, or, isNotNull, sql } from 'drizzle-orm';
import { SAML_TICKET_PROVIDER_ID } from '@/lib/auth/provider-id';
import type { Database, Transaction } from '@/lib/db/client';
import { loginTickets } from '@/lib/db/schema';

// A verified SAML sign-in reaches next-auth through a one-time ticket: the ACS issues it, the
// browser hands it to the 'saml-ticket' credentials provider within a minute, and it is spent.
// Only its SHA-256 is stored, so a database read does not yield usable tickets. The ticket travels
// in an HTTP-only cookie scoped to that provider's callback, not in a URL: a URL would end up in
// logs, and a link carrying someone else's ticket would sign the clicker in as them (login CSRF).

const TICKET_TTL_S = 60;
export const LOGIN_TICKET_COOKIE = 'ocs_saml_ticket';

export function loginTicketCookieOptions(portalUrl: string) {
  return { httpOnly: true, secure: portalUrl.startsWith('https://'), sameSite: 'lax' as const, path: `/api/auth/callback/${SAML_TICKET_PROVIDER_ID}`, maxAge: TICKET_TTL_S };
}

/** The ticket in a Cookie request header, if any. */
export function ticketFromCookieHeader(header: string | null | undefined): string | null {
  for (const part of (header ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === LOGIN_TICKET_COOKIE && value.length) return decodeURIComponent(value.join('='));
  }
  return null;
}

function hashTicket(ticket: string): string {
  return createHash('sha256').update(ticket).digest('hex');
}

export async function issueLoginTicket(db: Database | Transaction, userId: string): Promise<string> {
  await db.delete(loginTickets).where(or(lt(loginTickets.expiresAt, sql`now()`), isNotNull(loginTickets.usedAt)));
  const ticket = randomBytes(32).toString('base64url');
  await db.insert(loginTickets).values({ secretHash: hashTicket(ticket), userId, expiresAt: sql`now() + make_interval(secs => ${TICKET_TTL_S})` });
  return ticket;
}

/** The user the ticket signs in, once: a second redemption, or one after a minute, gets null. */
export async function redeemLoginTicket(db: Database, ticket: string): Promise<string | null> {
  const [row] = await db
    .update(loginTickets)
    .set({ usedAt: sql`now()` })
    .where(and(eq(loginTickets.secretHash, hashTicket(ticket)), isNull(loginTickets.usedAt), gt(loginTickets.expiresAt, sql`now()`)))
    .returning({ userId: loginTickets.userId });
  return row?.userId ?? null;
}
