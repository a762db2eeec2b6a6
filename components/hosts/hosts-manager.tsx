'use client';
import { useState } from 'react';
import { useT } from '../i18n';
import { OrganizationPicker, type OrganizationOption } from '../organization/organization-picker';
import { HostRegisterForm } from './host-register-form';
import { HostTable } from './host-table';
import { SshPublicKey } from './ssh-public-key';

/** An organization the caller may read, and whether they may register and change its servers. */
export type HostsOrganization = OrganizationOption & { manage: boolean };

/** The servers of one of the caller's organizations: the SSH key to install, the list, and (admins) register, drain, activate, remove. */
export function HostsManager({ organizations }: { organizations: HostsOrganization[] }) {
  const t = useT();
  const [organizationId, setOrganizationId] = useState(organizations[0]!.id);
  const manage = organizations.find((o) => o.id === organizationId)?.manage ?? false;
  return (
    <>
      <OrganizationPicker organizations={organizations} value={organizationId} onChange={setOrganizationId} />
      <SshPublicKey key={`key-${organizationId}`} organizationId={organizationId} />
      {manage ? (
        <div className="grid gap-6 lg:grid-cols-[1fr_22rem]">
          <HostTable key={organizationId} organizationId={organizationId} manage />
          <HostRegisterForm key={`register-${organizationId}`} organizationId={organizationId} />
        </div>
      ) : (
        <>
          <HostTable key={organizationId} organizationId={organizationId} manage={false} />
          <p className="mt-4 text-sm text-slate-600">{t('hosts.readOnly')}</p>
        </>
      )}
    </>
  );
}
