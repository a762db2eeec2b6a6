import { describe, expect, it } from 'vitest';
import { accountProviderOf, availableProviders, canPowerNodes, findProvider, getSpec, providerCatalog } from './catalog';
import { hasDriver } from './registry';

describe('the provider catalog', () => {
  it('holds every provider OCS builds on, once, with the flavors of vcp_flavor.yml', () => {
    expect(providerCatalog().map((p) => p.id)).toEqual(['local', 'onpremises', 'aws', 'aws_spot', 'azure', 'oracle', 'sakura', 'vmware', 'mdx', 'openstack', 'hokudai']);
    for (const p of providerCatalog()) expect(p.flavors.map((f) => f.name).slice(0, 3), p.id).toEqual(['small', 'medium', 'large']);
    expect(getSpec('aws', 'medium')).toMatchObject({ provider: 'aws', instanceType: 'm4.xlarge', volumeSize: 40 });
    expect(findProvider('oracle')!.flavors[0]!.values).toEqual({ shape: 'VM.Standard.E2.1', boot_volume_size_in_gbs: 50 });
  });

  it('says which providers builds can use, and why the others not, in both languages', () => {
    expect(availableProviders().map((p) => p.id)).toEqual(['local', 'onpremises', 'aws', 'aws_spot', 'azure', 'oracle', 'sakura', 'vmware', 'mdx', 'openstack']);
    // Spot instances are made in the organization's AWS accounts.
    expect(accountProviderOf('aws_spot')).toBe('aws');
    expect(canPowerNodes('aws_spot')).toBe(false);
    // A provider is available exactly when its driver is registered.
    for (const p of providerCatalog()) expect(hasDriver(p.id), p.id).toBe(p.available);
    for (const p of providerCatalog().filter((q) => !q.available)) {
      expect(p.unavailableReason?.ja, p.id).toBeTruthy();
      expect(p.unavailableReason?.en, p.id).toBeTruthy();
    }
    expect(findProvider('hokudai')!.unavailableReason!.en).toMatch(/API is not confirmed/);
  });
});
