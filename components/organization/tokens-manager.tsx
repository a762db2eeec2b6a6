'use client';
import { useState } from 'react';
import type { ManagedOrganization } from './members-manager';
import { OrganizationPicker } from './organization-picker';
import { TokenIssueForm } from './token-issue-form';
import { TokenList } from './token-list';

/** API tokens of one of the caller's organizations: issue (secret shown once), list, revoke. */
export function TokensManager({ organizations, me }: { organizations: ManagedOrganization[]; me: string }) {
  const [organizationId, setOrganizationId] = useState(organizations[0]!.id);
  const isOwner = organizations.find((o) => o.id === organizationId)?.role === 'owner';
  return (
    <>
      <OrganizationPicker organizations={organizations} value={organizationId} onChange={setOrganizationId} />
      <div className="grid gap-6 lg:grid-cols-[1fr_22rem]">
        <TokenList key={organizationId} organizationId={organizationId} />
        <TokenIssueForm key={`issue-${organizationId}`} organizationId={organizationId} me={me} isOwner={isOwner} />
      </div>
    </>
  );
}
