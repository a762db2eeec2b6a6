import { getServerSession } from 'next-auth';
import { db } from '@/lib/db/client';
import { loadActor, type Actor } from './actor';
import { authOptions } from './options';

/** The signed-in caller, or null. Only the web layer calls this; domain code receives an Actor. */
export async function currentActor(): Promise<Actor | null> {
  const session = (await getServerSession(authOptions())) as { userId?: string } | null;
  if (!session?.userId) return null;
  return loadActor(db(), session.userId);
}
