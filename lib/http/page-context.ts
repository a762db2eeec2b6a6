import type { Actor } from '@/lib/auth/actor';
import { currentActor } from '@/lib/auth/session';
import { db, type Database } from '@/lib/db/client';

export interface PageContext {
  /** The signed-in caller, or null: each page decides what a visitor who is not signed in sees. */
  actor: Actor | null;
  /** The database, to hand to the lib/ functions the page calls. */
  db: Database;
}

/**
 * What a server-rendered page needs to call the domain: the page's counterpart of the context
 * withActor (lib/http/route.ts) gives API route handlers. Pages in app/ get the database here
 * rather than importing lib/db themselves.
 */
export async function pageContext(): Promise<PageContext> {
  return { actor: await currentActor(), db: db() };
}
