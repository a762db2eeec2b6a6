'use client';
import { useLocale, useT } from '../i18n';
import { FieldError, inputClass } from './parameter-field';
import { useSay } from './say';
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
        <div>
          <label className="block text-sm" htmlFor={`provider-${role}`}>
            {say('buildForm.roleProvider', { role })}
          </label>
          <select
            id={`provider-${role}`}
            className={inputClass}
            value={providerByRole[role] ?? ''}
            aria-invalid={!!error(`providerByRole.${role}`)}
            onChange={(e) => {
              // A flavor belongs to its provider: another provider starts from its default.
              const next = e.target.value ? { ...providerByRole, [role]: e.target.value } : without(providerByRole, role);
              onChange({ providerByRole: next, flavorByRole: without(flavorByRole, role) });
            }}
          >
            <option value="">{t('buildForm.roleProviderDefault')}</option>
            {providers.map((p) => (
              <option key={p.id} value={p.id}>
                {p.label[locale]}
              </option>
            ))}
          </select>
          <FieldError id={`provider-${role}`} message={error(`providerByRole.${role}`)} />
        </div>
        <div>
          <label className="block text-sm" htmlFor={`flavor-${role}`}>
            {say('buildForm.roleFlavor', { role })}
          </label>
          <select
            id={`flavor-${role}`}
            className={inputClass}
            value={flavorByRole[role] ?? ''}
            disabled={!provider}
            aria-invalid={!!error(`flavorByRole.${role}`)}
            onChange={(e) => onChange({ providerByRole, flavorByRole: e.target.value ? { ...flavorByRole, [role]: e.target.value } : without(flavorByRole, role) })}
          >
            <option value="">{t('buildForm.roleFlavorDefault')}</option>
            {provider?.flavors.map((f) => (
              <option key={f.name} value={f.name}>
                {f.name} — {f.label[locale]}
              </option>
            ))}
          </select>
          <FieldError id={`flavor-${role}`} message={error(`flavorByRole.${role}`)} />
        </div>
      </div>
    );
  });
}
