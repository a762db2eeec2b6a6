import { redirect } from 'next/navigation';
import { Nav } from '@/components/nav';
import { currentActor } from '@/lib/auth/session';

export const dynamic = 'force-dynamic';

export default async function PortalLayout({ children }: { children: React.ReactNode }) {
  const actor = await currentActor();
  if (!actor) redirect('/signin');
  return (
    <>
      <Nav userName={actor.name} isStaff={actor.isStaff} />
      <main className="mx-auto max-w-6xl px-4 py-6">{children}</main>
    </>
  );
}
