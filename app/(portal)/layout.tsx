import { redirect } from 'next/navigation';
import { Nav, type NavLink } from '@/components/nav';
import { can, type Actor } from '@/lib/auth/actor';
import { currentActor } from '@/lib/auth/session';

export const dynamic = 'force-dynamic';

/** The pages this user's roles open (each page checks the rights again). */
function linksFor(actor: Actor): NavLink[] {
  const some = (p: Parameters<typeof can>[1]) => actor.memberships.some((m) => can(actor, p, m.organizationId));
  const links: NavLink[] = [
    { href: '/catalog', label: 'nav.catalog' },
    { href: '/builds', label: 'nav.builds' },
    { href: '/unit-groups', label: 'nav.unitGroups' },
  ];
  if (!actor.isStaff) links.push({ href: '/apply', label: 'nav.apply' });
  if (some('manageMembers')) links.push({ href: '/organization/members', label: 'nav.members' });
  if (some('manageTokens')) links.push({ href: '/organization/tokens', label: 'nav.tokens' }, { href: '/organization/webhooks', label: 'nav.webhooks' });
  if (some('read')) links.push({ href: '/organization/hosts', label: 'nav.hosts' }, { href: '/organization/accounts', label: 'nav.accounts' });
  if (actor.isStaff) links.push({ href: '/staff/applications', label: 'nav.review' }, { href: '/staff/leaks', label: 'nav.leaks' }, { href: '/staff/extensions', label: 'nav.extensions' });
  if (actor.isStaff || some('readAudit')) links.push({ href: '/audit', label: 'nav.audit' });
  links.push({ href: '/api-docs', label: 'nav.api' });
  return links;
}

export default async function PortalLayout({ children }: { children: React.ReactNode }) {
  const actor = await currentActor();
  if (!actor) redirect('/signin');
  return (
    <>
      <Nav userName={actor.name} isStaff={actor.isStaff} links={linksFor(actor)} />
      <main className="mx-auto max-w-6xl px-4 py-6">{children}</main>
    </>
  );
}
