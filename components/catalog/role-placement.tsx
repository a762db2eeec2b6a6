'use client';
import { useLocale, useT } from '../i18n';
import { useSay } from './say';
import { SelectField } from './select-field';
import type { AccountOption, ProviderOption } from './types';

export interface RolePlacementProps {
  roles: string[];
  /** The providers the template runs on; the build's own is the default of every role. */
  providers: ProviderOption[];
  buildProvider: string;
  providerByRole: Record<string, string>;
  flavorByRole: Record<string, string>;
  accountByRole: Record<string, string>;
  /** The organization's cloud accounts: a role on a cloud may use another than the default. */
  accounts: AccountOption[];
  onChange: (next: Placement) => void;
  error: (key: string) => string | undefined;
}

type Placement = { providerByRole: Record<string, string>; flavorByRole: Record<string, string>; accountByRole: Record<string, string> };

const without = (map: Record<string, string>, key: string) => Object.fromEntries(Object.entries(map).filter(([k]) => k !== key));

/** Per role: another provider than the build's (master on the lab's servers, workers on a cloud), another flavor, and another account. */
export function RolePlacement({ roles, providers, buildProvider, providerByRole, flavorByRole, accountByRole, accounts, onChange, error }: RolePlacementProps) {
  const t = useT();
  const say = useSay();
  const locale = useLocale();
  return roles.map((role) => {
    const provider = providers.find((p) => p.id === (providerByRole[role] ?? buildProvider));
    const placement = { providerByRole, flavorByRole, accountByRole };
    const roleAccounts = provider ? accounts.filter((a) => a.provider === (provider.accountsOf ?? provider.id)) : [];
    return (
      <div key={role} className="mt-3 grid gap-2 sm:grid-cols-2" data-testid={`placement-${role}`}>
        <SelectField
          id={`provider-${role}`}
          label={say('buildForm.roleProvider', { role })}
          value={providerByRole[role] ?? ''}
          placeholder={t('buildForm.roleProviderDefault')}
          options={providers.map((p) => ({ value: p.id, label: p.label[locale] }))}
          error={error(`providerByRole.${role}`)}
          // A flavor and an account belong to their provider: another provider starts from its defaults.
          onChange={(value) => onChange({ providerByRole: value ? { ...providerByRole, [role]: value } : without(providerByRole, role), flavorByRole: without(flavorByRole, role), accountByRole: without(accountByRole, role) })}
        />
        <SelectField
          id={`flavor-${role}`}
          label={say('buildForm.roleFlavor', { role })}
          value={flavorByRole[role] ?? ''}
          placeholder={t('buildForm.roleFlavorDefault')}
          options={(provider?.flavors ?? []).map((f) => ({ value: f.name, label: `${f.name} — ${f.label[locale]}` }))}
          disabled={!provider}
          error={error(`flavorByRole.${role}`)}
          onChange={(value) => onChange({ ...placement, flavorByRole: value ? { ...flavorByRole, [role]: value } : without(flavorByRole, role) })}
        />
        {roleAccounts.length > 1 && (
          <SelectField
            id={`account-${role}`}
            label={say('buildForm.roleAccount', { role })}
            value={accountByRole[role] ?? ''}
            placeholder={t('buildForm.roleAccountDefault')}
            options={roleAccounts.map((a) => ({ value: a.id, label: a.name }))}
            error={error(`accountByRole.${role}`)}
            onChange={(value) => onChange({ ...placement, accountByRole: value ? { ...accountByRole, [role]: value } : without(accountByRole, role) })}
          />
        )}
      </div>
    );
  });
}
