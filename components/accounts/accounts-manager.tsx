'use client';
import { useState } from 'react';
import type { AccountForm } from '@/lib/providers/account-fields';
import { useT } from '../i18n';
import { LeaksTable } from '../leaks/leaks-table';
import { OrganizationPicker, type OrganizationOption } from '../organization/organization-picker';
import { AccountAddForm } from './account-add-form';
import { AccountTable } from './account-table';
import type { ProviderLabel } from './account-fields-input';

/** An organization the caller may read, and whether they may add and change its accounts. */
export type AccountsOrganization = OrganizationOption & { manage: boolean };

/** The cloud accounts of one of the caller's organizations: the list, and (admins) add, make default, replace credentials, remove. */
export function AccountsManager({ organizations, forms, providers }: { organizations: AccountsOrganization[]; forms: AccountForm[]; providers: ProviderLabel[] }) {
  const t = useT();
  const [organizationId, setOrganizationId] = useState(organizations[0]!.id);
  const manage = organizations.find((o) => o.id === organizationId)?.manage ?? false;
  return (
    <>
      <OrganizationPicker organizations={organizations} value={organizationId} onChange={setOrganizationId} />
      {manage ? (
        <div className="grid gap-6 lg:grid-cols-[1fr_24rem]">
          <AccountTable key={organizationId} organizationId={organizationId} manage forms={forms} providers={providers} />
          <AccountAddForm key={`add-${organizationId}`} organizationId={organizationId} forms={forms} providers={providers} />
        </div>
      ) : (
        <>
          <AccountTable key={organizationId} organizationId={organizationId} manage={false} forms={forms} providers={providers} />
          <p className="mt-4 text-sm text-slate-600">{t('accounts.readOnly')}</p>
        </>
      )}
      <section className="mt-8" aria-labelledby="leaks-title">
        <h2 id="leaks-title" className="text-lg font-bold">
          {t('leaks.title')}
        </h2>
        <p className="mb-2 text-sm text-slate-600">{t('leaks.lead')}</p>
        <LeaksTable key={`leaks-${organizationId}`} organizationId={organizationId} manage={manage} />
      </section>
    </>
  );
}
