'use client';
import { useLocale, useT } from '../i18n';
import { useSay } from './say';
import { SelectField } from './select-field';
import type { ProviderOption } from './types';

export interface RolePlacementProps {
  roles: string[];
  /** The providers the template runs on; the build's own is the default of every role. */
  providers: ProviderOption[];
  buildProvider: string;
  providerByRole: Record<string, string>;
  flavorByRole: Record<string, string>;
  onChange: (next: { providerByRole: Record<string, string>; flavorByRole: Record<string, string> }) => void;
  error: (key: string) => string | undefined;
}

const without = (map: Record<string, string>, key: string) => Object.fromEntries(Object.entries(map).filter(([k]) => k !== key));

/** Per role: another provider than the build's (master on the lab's servers, workers on a cloud) and another flavor. */
export function RolePlacement({ roles, providers, buildProvider, providerByRole, flavorByRole, onChange, error }: RolePlacementProps) {
  const t = useT();
  const say = useSay();
  const locale = useLocale();
  return roles.map((role) => {
    const provider = providers.find((p) => p.id === (providerByRole[role] ?? buildProvider));
    return (
      <div key={role} className="mt-3 grid gap-2 sm:grid-cols-2" data-testid={`placement-${role}`}>
        <SelectField
          id={`provider-${role}`}
          label={say('buildForm.roleProvider', { role })}
          value={providerByRole[role] ?? ''}
          placeholder={t('buildForm.roleProviderDefault')}
          options={providers.map((p) => ({ value: p.id, label: p.label[locale] }))}
          error={error(`providerByRole.${role}`)}
          // A flavor belongs to its provider: another provider starts from its default.
          onChange={(value) => onChange({ providerByRole: value ? { ...providerByRole, [role]: value } : without(providerByRole, role), flavorByRole: without(flavorByRole, role) })}
        />
        <SelectField
          id={`flavor-${role}`}
          label={say('buildForm.roleFlavor', { role })}
          value={flavorByRole[role] ?? ''}
          placeholder={t('buildForm.roleFlavorDefault')}
          options={(provider?.flavors ?? []).map((f) => ({ value: f.name, label: `${f.name} — ${f.label[locale]}` }))}
          disabled={!provider}
          error={error(`flavorByRole.${role}`)}
          onChange={(value) => onChange({ providerByRole, flavorByRole: value ? { ...flavorByRole, [role]: value } : without(flavorByRole, role) })}
        />
      </div>
    );
  });
}
